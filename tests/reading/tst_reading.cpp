// The reading core: READING.json ↔ Reading, Reading → SR → signature → verification and back, and one
// sign-then-tamper test per failure code, named after the attack.
#include "reading_fixture.h"

#include <veridicor/reading/reading_verifier.h>
#include <veridicor/reading/sr_reader.h>
#include <veridicor/reading/statement_codes.h>

#include <dcmtk/dcmsr/dsrdoc.h>

#include <QtTest>

#include <array>
#include <fstream>
#include <set>

using namespace veridicor;
using namespace veridicor::test;
using reading::ReadingReason;

namespace {

std::string fileBytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeBytes(const std::filesystem::path& p, const std::string& s) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(s.data(), static_cast<std::streamsize>(s.size()));
}

/// `dcmsign --verify` with the test PKI's root as the trusted certificate and its signing CA as the
/// intermediate (dcmsign also checks the chain). Its exit code; its output in `log`.
int dcmsignVerify(const ReadingFixture& f, const std::filesystem::path& sr, QByteArray* log = nullptr) {
    QByteArray out;
    QByteArray err;
    const int rc = runTool(QStringLiteral("dcmsign"),
                           {QStringLiteral("--verify"), QStringLiteral("+cf"), qpath(f.trust / "anchors" / "root.pem"),
                            QStringLiteral("+uf"), qpath(f.trust / "cas" / "signing-ca.pem"), qpath(sr)},
                           &out, &err);
    if (log != nullptr) {
        *log = out + err;
    }
    return rc;
}

QString reasonsOf(const reading::ReadingVerdict& v) {
    QStringList out;
    for (const auto r : v.reasons) {
        out << QString::fromLatin1(reading::readingReasonName(r).data(),
                                   static_cast<qsizetype>(reading::readingReasonName(r).size()));
    }
    return out.join(QLatin1Char(','));
}

} // namespace

class TestReading : public QObject {
    Q_OBJECT

    std::unique_ptr<ReadingFixture> m_f;
    std::optional<TrustStore> m_store;

    reading::ReadingVerdict verifyShown(const std::filesystem::path& sr, const std::filesystem::path& shown = {}) {
        const dicom::ContentIdentity d = ReadingFixture::displayed(shown.empty() ? m_f->recording : shown);
        auto v = reading::verifyReadingFile(sr, *m_store, m_f->pki.now, &d);
        if (!v) {
            qWarning("%s", v.error().message.c_str());
            return {};
        }
        return *v;
    }

private slots:
    void initTestCase() {
        m_f = std::make_unique<ReadingFixture>(verify::now());
        QVERIFY2(m_f->setUp(), m_f->error.c_str());
        auto store = TrustStore::load(m_f->trust);
        QVERIFY2(store.hasValue(), store ? "" : store.error().message.c_str());
        m_store = *store;
        QVERIFY(m_store->policy().models.empty()); // a store may approve readers and no model at all
        QCOMPARE(m_store->policy().readingSigners.size(), std::size_t{2});
    }

    void jsonRoundTrip() {
        auto r = reading::parseReadingJson(kReadingJson);
        QVERIFY2(r.hasValue(), r ? "" : r.error().message.c_str());
        QCOMPARE(r->statements.size(), std::size_t{2});
        QCOMPARE(r->measurements[0].value, std::string("412"));
        QCOMPARE(r->measurements[1].lead, std::string("V2"));
        QVERIFY(r->blind);
        auto again = reading::parseReadingJson(reading::readingToJson(*r));
        QVERIFY(again.hasValue());
        QVERIFY(*again == *r);
    }

    void jsonRejectsBadInput_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QByteArray>("message");
        auto row = [](const char* name, const std::string& json, const char* message) {
            QTest::newRow(name) << QByteArray::fromStdString(json) << QByteArray(message);
        };
        const std::string hex64(64, 'a');
        row("not json", "{", "not valid JSON");
        row("blind missing", R"({"statements": []})", "reading.blind is missing");
        row("unknown member", R"({"blind": true, "statments": []})", "statments");
        row("scheme", R"({"blind": true, "statements": [{"scheme": "ICD", "value": "123456", "meaning": "x"}]})",
            "reading.statements[0].scheme");
        row("site scheme",
            R"({"blind": true, "statements": [{"scheme": "SCT", "value": "37706002", "meaning": "Hypokinesis",
                "site": {"scheme": "FMA", "value": "123456", "meaning": "x"}}]})",
            "reading.statements[0].site.scheme");
        row("site not an object",
            R"({"blind": true, "statements": [{"scheme": "SCT", "value": "37706002", "meaning": "Hypokinesis",
                "site": "inferior"}]})",
            "reading.statements[0].site must be an object");
        row("site unknown member",
            R"({"blind": true, "statements": [{"scheme": "SCT", "value": "37706002", "meaning": "Hypokinesis",
                "site": {"scheme": "SCT", "value": "367598003", "meaning": "x", "laterality": "L"}}]})",
            "laterality");
        row("code not digits",
            R"({"blind": true, "statements": [{"scheme": "SCT", "value": "12a456", "meaning": "x"}]})",
            "SNOMED CT concept id");
        row("assessment",
            R"({"blind": true, "assessments": [{"bundle": ")" + hex64 +
                R"(", "finding": "f1", "assessment": "maybe", "reason": ""}]})",
            "reading.assessments[0].assessment");
        row("bundle hex", R"({"blind": true, "assessments": [{"bundle": "ABC", "finding": "f1", "assessment": "agree"}]})",
            "reading.assessments[0].bundle");
        row("value string", R"({"blind": true, "measurements": [{"name": "QT", "value": "412", "unit": "ms"}]})",
            "reading.measurements[0].value must be a number");
        row("backslash", R"({"blind": true, "measurements": [{"name": "Q\\T", "value": 1, "unit": "ms"}]})",
            "without backslashes");
        row("long name",
            R"({"blind": true, "measurements": [{"name": ")" + std::string(65, 'x') +
                R"(", "value": 1, "unit": "ms"}]})",
            "longer than 64");
        std::string many = R"({"blind": true, "statements": [)";
        for (int i = 0; i < 257; ++i) {
            many += R"({"scheme": "SCT", "value": "164931005", "meaning": "x"},)";
        }
        many.pop_back();
        many += "]}";
        row("too many statements", many, "more than 256");
    }
    void jsonRejectsBadInput() {
        QFETCH(QByteArray, json);
        QFETCH(QByteArray, message);
        auto r = reading::parseReadingJson(json.toStdString());
        QVERIFY(!r.hasValue());
        QVERIFY2(r.error().message.find(message.toStdString()) != std::string::npos, r.error().message.c_str());
    }

    void statementCodesAreUniqueAndValid() {
        std::set<std::string_view> seen;
        for (const auto& c : reading::statementCodes()) {
            QVERIFY2(seen.insert(c.sctId).second, std::string(c.sctId).c_str());
            reading::Reading r;
            r.statements.push_back({"SCT", std::string(c.sctId), std::string(c.meaning)});
            QVERIFY(reading::validateReading(r).hasValue());
        }
        QVERIFY(reading::findStatement("164931005") != nullptr);
        std::set<std::string_view> sites;
        for (const auto& s : reading::statementSites()) {
            QVERIFY2(sites.insert(s.sctId).second, std::string(s.sctId).c_str());
            QVERIFY2(reading::findStatement(s.sctId) == nullptr, std::string(s.sctId).c_str());
            reading::Reading r;
            r.statements.push_back({"SCT", "37706002", "Hypokinesis",
                                    reading::CodedConcept{"SCT", std::string(s.sctId), std::string(s.meaning)}});
            QVERIFY(reading::validateReading(r).hasValue());
        }
        QCOMPARE(sites.size(), std::size_t{21}); // 5 walls (CID 3232) + 16 segments (CID 3782-3784)
    }

    void signedRoundTripIsTrustedAndTheSame() {
        const auto sr = m_f->sign("round-trip.dcm", m_f->readerFiles);
        QVERIFY2(!sr.empty(), m_f->error.c_str());
        const auto v = verifyShown(sr);
        QVERIFY2(v.trusted(), qPrintable(reasonsOf(v)));
        QVERIFY(v.document.has_value());
        QVERIFY(v.document->reading == *reading::parseReadingJson(kReadingJson));
        QVERIFY(v.document->complete);
        QVERIFY(v.document->verified);
        QCOMPARE(v.document->observerName, std::string("Ada Reader"));
        QCOMPARE(v.document->patientId, std::string("PAT-001"));
        QCOMPARE(v.document->kind, std::string("ecg"));
        QCOMPARE(v.signer->authorizedAs, std::string("email:") + kReaderEmail);
        const std::string json = reading::readingVerdictToJson(v);
        QVERIFY(json.find("\"reading\"") != std::string::npos);
        QVERIFY(json.find("\"verdict\": \"trusted\"") != std::string::npos);
    }

    void rsa2048SignerIsTrusted() {
        const auto sr = m_f->sign("rsa.dcm", m_f->rsaReaderFiles);
        QVERIFY2(!sr.empty(), m_f->error.c_str());
        QVERIFY2(verifyShown(sr).trusted(), qPrintable(reasonsOf(verifyShown(sr))));
    }

    void dcmsignToolAcceptsAndRejectsOneChangedByte() {
        const auto sr = m_f->sign("for-dcmsign.dcm", m_f->readerFiles);
        QVERIFY(!sr.empty());
        QByteArray log;
        QVERIFY2(dcmsignVerify(*m_f, sr, &log) == 0, log.constData());
        // One byte of a signed value, inside the content tree: the free text.
        std::string bytes = fileBytes(sr);
        const auto at = bytes.find("Anterior ST elevation");
        QVERIFY(at != std::string::npos);
        bytes[at] = 'B';
        const auto tampered = m_f->out("one-byte.dcm");
        writeBytes(tampered, bytes);
        QCOMPARE(dcmsignVerify(*m_f, tampered, &log), 101); // EXITCODE_SIGNATURE_VERIFICATION_FAILED
        const auto v = verifyShown(tampered);
        QVERIFY(!v.trusted());
        QVERIFY2(v.has(ReadingReason::BadSignature), qPrintable(reasonsOf(v)));
        QVERIFY(reading::readingVerdictToJson(v).find("\"reading\"") == std::string::npos);
    }

    void tamperPatientNameBreaksSignature() {
        const auto sr = m_f->sign("patient-name.dcm", m_f->readerFiles);
        QVERIFY(!sr.empty());
        QCOMPARE(runTool(QStringLiteral("dcmodify"), {QStringLiteral("-nb"), QStringLiteral("-m"),
                                                     QStringLiteral("(0010,0010)=Other^Patient"), qpath(sr)}),
                 0);
        QCOMPARE(dcmsignVerify(*m_f, sr), 101);
        QVERIFY(verifyShown(sr).has(ReadingReason::BadSignature));
    }

    void dsr2htmlRendersIt() {
        const auto sr = m_f->sign("for-html.dcm", m_f->readerFiles);
        QVERIFY(!sr.empty());
        const auto html = m_f->out("reading.html");
        QCOMPARE(runTool(QStringLiteral("dsr2html"), {qpath(sr), qpath(html)}), 0);
        const std::string text = fileBytes(html);
        QVERIFY(text.find("ECG Report") != std::string::npos);
        QVERIFY(text.find("ST elevation") != std::string::npos);
    }

    void unsignedPreliminaryIsUntrusted() {
        auto r = reading::parseReadingJson(kReadingJson);
        reading::SrWriteOptions o;
        o.observerName = "Ada Reader";
        auto w = reading::writeReadingSr(*r, m_f->recording, o, m_f->out("preliminary.dcm"));
        QVERIFY2(w.hasValue(), w ? "" : w.error().message.c_str());
        QVERIFY(!w->isSigned);
        const auto v = verifyShown(m_f->out("preliminary.dcm"));
        QVERIFY(!v.trusted());
        QVERIFY2(v.has(ReadingReason::Unsigned), qPrintable(reasonsOf(v)));
        QVERIFY(!v.document->complete);
        QVERIFY(!v.document->verified);
        QVERIFY(reading::readingVerdictToJson(v).find("\"reading\"") == std::string::npos);
    }

    void signaturesRemovedIsUnsigned() {
        const auto sr = m_f->sign("stripped.dcm", m_f->readerFiles);
        QCOMPARE(runTool(QStringLiteral("dcmsign"), {QStringLiteral("--remove-all"), qpath(sr), qpath(m_f->out("stripped-out.dcm"))}), 0);
        const auto v = verifyShown(m_f->out("stripped-out.dcm"));
        QVERIFY2(v.has(ReadingReason::Unsigned), qPrintable(reasonsOf(v)));
    }

    void partialSignatureIsIncomplete() {
        // Remove our signature, then sign only the patient's name and the SOP Instance UID: a valid
        // signature over a subset must not make the reading trusted.
        const auto sr = m_f->sign("partial-src.dcm", m_f->readerFiles);
        const auto stripped = m_f->out("partial-stripped.dcm");
        const auto partial = m_f->out("partial.dcm");
        QCOMPARE(runTool(QStringLiteral("dcmsign"), {QStringLiteral("--remove-all"), qpath(sr), qpath(stripped)}), 0);
        QByteArray err;
        QCOMPARE(runTool(QStringLiteral("dcmsign"),
                         {QStringLiteral("--sign"), qpath(m_f->readerFiles.key), qpath(m_f->readerFiles.chain),
                          QStringLiteral("+m2"), QStringLiteral("-t"), QStringLiteral("0010,0010"),
                          QStringLiteral("-t"), QStringLiteral("0008,0018"), qpath(stripped), qpath(partial)},
                         nullptr, &err),
                 0);
        QCOMPARE(dcmsignVerify(*m_f, partial), 0); // dcmsign itself is content with a partial signature
        const auto v = verifyShown(partial);
        QVERIFY(!v.trusted());
        QVERIFY2(v.has(ReadingReason::SignatureIncomplete), qPrintable(reasonsOf(v)));
    }

    void verifyingObserverImpersonatedIsMalformed() {
        // Re-signed with the reader's own key after the Verifying Observer was changed to someone else: the
        // signature is valid and complete, but the name it shows is not the signer's.
        const auto sr = m_f->sign("impersonate-src.dcm", m_f->readerFiles);
        const auto stripped = m_f->out("impersonate-stripped.dcm");
        const auto resigned = m_f->out("impersonate.dcm");
        QCOMPARE(runTool(QStringLiteral("dcmsign"), {QStringLiteral("--remove-all"), qpath(sr), qpath(stripped)}), 0);
        QCOMPARE(runTool(QStringLiteral("dcmodify"), {QStringLiteral("-nb"), QStringLiteral("-m"),
                                                     QStringLiteral("(0040,a073)[0].(0040,a075)=Dr. Somebody Else"),
                                                     qpath(stripped)}),
                 0);
        QCOMPARE(runTool(QStringLiteral("dcmsign"), {QStringLiteral("--sign"), qpath(m_f->readerFiles.key),
                                                    qpath(m_f->readerFiles.chain), QStringLiteral("+m2"),
                                                    qpath(stripped), qpath(resigned)}),
                 0);
        const auto v = verifyShown(resigned);
        QVERIFY(!v.trusted());
        QVERIFY2(v.has(ReadingReason::Malformed), qPrintable(reasonsOf(v)));
        QVERIFY(v.check(reading::ReadingCheckId::Signature).ok());
    }

    void sha1MacIsWeak() {
        const auto sr = m_f->sign("sha1-src.dcm", m_f->readerFiles);
        const auto stripped = m_f->out("sha1-stripped.dcm");
        const auto weak = m_f->out("sha1.dcm");
        QCOMPARE(runTool(QStringLiteral("dcmsign"), {QStringLiteral("--remove-all"), qpath(sr), qpath(stripped)}), 0);
        QCOMPARE(runTool(QStringLiteral("dcmsign"), {QStringLiteral("--sign"), qpath(m_f->readerFiles.key),
                                                    qpath(m_f->readerFiles.chain), QStringLiteral("+ms"),
                                                    qpath(stripped), qpath(weak)}),
                 0);
        const auto v = verifyShown(weak);
        QVERIFY2(v.has(ReadingReason::WeakAlgorithm), qPrintable(reasonsOf(v)));
    }

    void corruptAndTruncatedSrGiveErrors() {
        const auto sr = m_f->sign("to-truncate.dcm", m_f->readerFiles);
        std::string bytes = fileBytes(sr);
        writeBytes(m_f->out("truncated.dcm"), bytes.substr(0, bytes.size() / 2));
        auto t = reading::verifyReadingFile(m_f->out("truncated.dcm"), *m_store, m_f->pki.now);
        QVERIFY(!t.hasValue());
        QVERIFY2(!t.error().message.empty(), "a truncated SR names its problem");
        writeBytes(m_f->out("garbage.dcm"), std::string(4096, '\x5A'));
        auto g = reading::verifyReadingFile(m_f->out("garbage.dcm"), *m_store, m_f->pki.now);
        QVERIFY(!g.hasValue());
        QVERIFY(!reading::readReadingSr(m_f->out("garbage.dcm")).hasValue());
        // DICOM, but not a reading: the recording itself.
        auto n = reading::verifyReadingFile(m_f->recording, *m_store, m_f->pki.now);
        QVERIFY(n.hasValue());
        QVERIFY(n->has(ReadingReason::Malformed));
        QVERIFY(n->has(ReadingReason::Unsigned));
    }

    void signThenMutateNeverTrustsNorCrashes() {
        // Every single-byte change of a signed reading's dataset (a sample of positions across the header, the
        // content tree and the signature) either makes it unreadable or untrusted.
        const auto sr = m_f->sign("mutate.dcm", m_f->readerFiles);
        QVERIFY(!sr.empty());
        const std::string bytes = fileBytes(sr);
        const auto mutated = m_f->out("mutated.dcm");
        const dicom::ContentIdentity shown = ReadingFixture::displayed(m_f->recording);
        int unreadable = 0;
        int untrusted = 0;
        // The file meta information (group 0002) is not part of the dataset that DICOM signatures cover;
        // nothing of the reading is read from it. The dataset begins with Specific Character Set (0008,0005).
        const std::size_t dataset = bytes.find(std::string("\x08\x00\x05\x00", 4));
        QVERIFY(dataset != std::string::npos);
        // Bytes that carry nothing are skipped: the length of an item or sequence delimiter (always 0, ignored
        // by DCMTK) and the two reserved bytes after an explicit VR with a 32-bit length. A signature covers
        // values, and these are none.
        // So is the pad byte DICOM adds after an odd-length DER signature to make the Signature (0400,0120) value
        // even: it lies after the DER's own length, and no verifier reads it.
        std::vector<std::pair<std::size_t, std::size_t>> signaturePads;
        for (std::size_t p = bytes.find(std::string("\x00\x04\x20\x01OB\0\0", 8), dataset); p != std::string::npos;
             p = bytes.find(std::string("\x00\x04\x20\x01OB\0\0", 8), p + 1)) {
            const std::size_t value = p + 12;
            if (value + 2 > bytes.size()) {
                break;
            }
            const auto u8 = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
            const std::size_t valueLength = u8(p + 8) | (u8(p + 9) << 8U) | (u8(p + 10) << 16U) | (u8(p + 11) << 24U);
            std::size_t der = 0;
            if (u8(value + 1) < 0x80) {
                der = 2 + u8(value + 1);
            } else if (u8(value + 1) == 0x81) {
                der = 3 + u8(value + 2);
            } else if (u8(value + 1) == 0x82) {
                der = 4 + ((u8(value + 2) << 8U) | u8(value + 3));
            }
            if (der != 0 && der < valueLength) {
                signaturePads.emplace_back(value + der, value + valueLength);
            }
        }
        auto carriesNothing = [&](std::size_t at) {
            for (const auto& [from, to] : signaturePads) {
                if (at >= from && at < to) {
                    return true;
                }
            }
            for (const char* delimiter : {"\xFE\xFF\x0D\xE0", "\xFE\xFF\xDD\xE0"}) {
                for (std::size_t k = 4; k < 8; ++k) {
                    if (at >= k && bytes.compare(at - k, 4, delimiter, 4) == 0) {
                        return true;
                    }
                }
            }
            for (const char* vr : {"SQ", "OB", "OW", "OF", "OD", "OL", "UT", "UN", "UC", "UR"}) {
                if ((bytes.compare(at - 2, 2, vr) == 0 && bytes[at] == '\0') ||
                    (bytes.compare(at - 3, 2, vr) == 0 && bytes[at - 1] == '\0' && bytes[at] == '\0')) {
                    return true;
                }
            }
            return false;
        };
        for (std::size_t at = dataset; at < bytes.size(); at += 3) {
            if (carriesNothing(at)) {
                continue;
            }
            std::string m = bytes;
            m[at] = static_cast<char>(m[at] ^ 0x5A);
            writeBytes(mutated, m);
            auto v = reading::verifyReadingFile(mutated, *m_store, m_f->pki.now, &shown);
            if (!v.hasValue()) {
                ++unreadable;
                continue;
            }
            QVERIFY2(!v->trusted(), qPrintable(QStringLiteral("byte %1 changed, still trusted").arg(at)));
            QVERIFY(reading::readingVerdictToJson(*v).find("\"reading\"") == std::string::npos);
            QVERIFY(verify::json::parse(reading::readingVerdictToJson(*v)).hasValue());
            ++untrusted;
        }
        QVERIFY(untrusted > 0);
        qInfo("%d mutations untrusted, %d unreadable", untrusted, unreadable);
    }

    void hostileSrStructuresAreErrors_data() {
        QTest::addColumn<int>("shape");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("basic text SR") << 0 << QByteArray("not a Comprehensive SR");
        QTest::newRow("another root") << 1 << QByteArray("neither an ECG Report");
        QTest::newRow("unknown item") << 2 << QByteArray("that a reading does not have there");
        QTest::newRow("too many statements") << 3 << QByteArray("more statements than a reading may");
        QTest::newRow("no evidence") << 4 << QByteArray("names no evidence");
    }
    void hostileSrStructuresAreErrors() {
        // SRs a hostile sender could make with DCMTK itself: each is an error naming the problem, never a
        // crash and never a partial reading.
        QFETCH(int, shape);
        QFETCH(QByteArray, message);
        DSRDocument doc(shape == 0 ? DSRTypes::DT_BasicTextSR : DSRTypes::DT_ComprehensiveSR);
        doc.createNewSeriesInStudy("1.2.826.0.1.3680043.10.1001.1");
        DSRDocumentTree& tree = doc.getTree();
        QVERIFY(tree.addContentItem(DSRTypes::RT_isRoot, DSRTypes::VT_Container) != 0);
        tree.getCurrentContentItem().setConceptName(
            shape == 1 ? DSRCodedEntryValue("121111", "DCM", "Summary") : DSRCodedEntryValue("11524-0", "LN", "ECG Report"));
        QVERIFY(tree.addChildContentItem(DSRTypes::RT_contains, DSRTypes::VT_Text,
                                         DSRCodedEntryValue("121106", "DCM", "Comment"))
                    .good());
        tree.getCurrentContentItem().setStringValue("text");
        if (shape == 2) {
            QVERIFY(tree.addContentItem(DSRTypes::RT_contains, DSRTypes::VT_Text,
                                        DSRCodedEntryValue("SMUGGLED", "99EVIL", "Hidden"))
                        .good());
            tree.getCurrentContentItem().setStringValue("not shown");
        }
        if (shape == 3) {
            for (int i = 0; i < 300; ++i) {
                QVERIFY(tree.addContentItem(DSRTypes::RT_contains, DSRTypes::VT_Code,
                                            DSRCodedEntryValue("121071", "DCM", "Finding"))
                            .good());
                tree.getCurrentContentItem().setCodeValue(DSRCodedEntryValue("164931005", "SCT", "ST elevation"));
            }
        }
        DcmFileFormat ff;
        QVERIFY(doc.write(*ff.getDataset()).good());
        const auto path = m_f->out("hostile-" + std::to_string(shape) + ".dcm");
        QVERIFY(ff.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
        auto r = reading::readReadingSr(path);
        QVERIFY(!r.hasValue());
        QVERIFY2(r.error().message.find(message.toStdString()) != std::string::npos, r.error().message.c_str());
        auto v = reading::verifyReadingFile(path, *m_store, m_f->pki.now);
        QVERIFY(v.hasValue());
        QVERIFY(v->has(ReadingReason::Malformed));
        QVERIFY(!v->document.has_value());
    }

    void signerNotInReadingSignersIsNotAuthorized() {
        const auto sr = m_f->sign("other.dcm", m_f->otherFiles);
        QVERIFY(!sr.empty());
        const auto v = verifyShown(sr);
        QVERIFY(!v.trusted());
        QVERIFY2(v.has(ReadingReason::SignerNotAuthorized), qPrintable(reasonsOf(v)));
        QCOMPARE(v.reasons.size(), std::size_t{1});
    }

    void revokedReaderIsRevoked() {
        const auto sr = m_f->sign("revoked.dcm", m_f->revokedFiles);
        QVERIFY(!sr.empty());
        const auto v = verifyShown(sr);
        QVERIFY2(v.has(ReadingReason::CertRevoked), qPrintable(reasonsOf(v)));
    }

    void expiredReaderIsExpired() {
        const auto sr = m_f->sign("expired.dcm", m_f->expiredFiles);
        QVERIFY(!sr.empty());
        QVERIFY2(verifyShown(sr).has(ReadingReason::CertExpired), qPrintable(reasonsOf(verifyShown(sr))));
    }

    void chainToForeignCaIsUntrusted() {
        const auto sr = m_f->sign("foreign.dcm", m_f->foreignFiles);
        QVERIFY(!sr.empty());
        const auto v = verifyShown(sr);
        QVERIFY2(v.has(ReadingReason::UntrustedChain), qPrintable(reasonsOf(v)));
        QVERIFY(!v.has(ReadingReason::SignerNotAuthorized)); // not decided on an unverified chain
    }

    void anotherTrustedRootMintsTheReadersEmail() {
        // A second trusted root issues a certificate with the reader's e-mail: the chain is good, but the rule
        // pins the reader to the signing CA, so the signer is not authorized (R2.3's pin).
        const auto dir = m_f->root / "trust-two-roots";
        std::filesystem::copy(m_f->trust, dir, std::filesystem::copy_options::recursive);
        QVERIFY(writeTextFile(dir / "anchors" / "other-root.pem", m_f->pki.unknownRoot.cert.pem()).hasValue());
        auto crl = makeCrlPem(m_f->pki.unknownRoot.cert, m_f->pki.unknownRoot.key, {},
                              m_f->pki.now - std::chrono::days(1), m_f->pki.now + std::chrono::days(30));
        QVERIFY(crl.hasValue());
        QVERIFY(writeTextFile(dir / "crls" / "other-root.pem", *crl).hasValue());
        auto store = TrustStore::load(dir);
        QVERIFY2(store.hasValue(), store ? "" : store.error().message.c_str());
        const auto sr = m_f->sign("minted.dcm", m_f->foreignFiles);
        QVERIFY(!sr.empty());
        const dicom::ContentIdentity shown = ReadingFixture::displayed(m_f->recording);
        auto v = reading::verifyReadingFile(sr, *store, m_f->pki.now, &shown);
        QVERIFY(v.hasValue());
        QVERIFY(v->check(reading::ReadingCheckId::Chain).ok());
        QVERIFY2(v->has(ReadingReason::SignerNotAuthorized), qPrintable(reasonsOf(*v)));
    }

    void echoRecordingGivesAnAdultEchoReport() {
        // A small ultrasound image (Pixel Data): the SR is TID 5200's root and its evidence the pixel data.
        const auto us = m_f->root / "us" / "image.dcm";
        std::filesystem::create_directories(us.parent_path());
        DcmFileFormat ff;
        DcmDataset* ds = ff.getDataset();
        ds->putAndInsertString(DCM_SOPClassUID, UID_UltrasoundImageStorage);
        ds->putAndInsertString(DCM_SOPInstanceUID, "1.2.826.0.1.3680043.10.1001.23");
        ds->putAndInsertString(DCM_StudyInstanceUID, "1.2.826.0.1.3680043.10.1001.21");
        ds->putAndInsertString(DCM_SeriesInstanceUID, "1.2.826.0.1.3680043.10.1001.22");
        ds->putAndInsertString(DCM_Modality, "US");
        ds->putAndInsertString(DCM_PatientID, "PAT-001");
        ds->putAndInsertUint16(DCM_SamplesPerPixel, 1);
        ds->putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
        ds->putAndInsertUint16(DCM_Rows, 8);
        ds->putAndInsertUint16(DCM_Columns, 8);
        ds->putAndInsertUint16(DCM_BitsAllocated, 8);
        ds->putAndInsertUint16(DCM_BitsStored, 8);
        ds->putAndInsertUint16(DCM_HighBit, 7);
        ds->putAndInsertUint16(DCM_PixelRepresentation, 0);
        std::array<Uint8, 64> pixels{};
        for (std::size_t i = 0; i < pixels.size(); ++i) {
            pixels[i] = static_cast<Uint8>(i * 3);
        }
        ds->putAndInsertUint8Array(DCM_PixelData, pixels.data(), pixels.size());
        QVERIFY(ff.saveFile(us.c_str(), EXS_LittleEndianExplicit).good());
        // Regional wall motion: the statement carries its site (CID 3232's inferior wall).
        const std::string json = R"json({"statements": [{"scheme": "SCT", "value": "37706002", "meaning": "Hypokinesis",
              "site": {"scheme": "SCT", "value": "367598003", "meaning": "Left ventricle inferior segment"}},
            {"scheme": "SCT", "value": "134401001", "meaning": "Left ventricular systolic dysfunction"}],
            "measurements": [{"name": "LV ejection fraction (estimate)", "value": 45, "unit": "%"}], "blind": false})json";
        const auto sr = m_f->sign("echo.dcm", m_f->readerFiles, json, us);
        QVERIFY2(!sr.empty(), m_f->error.c_str());
        const auto v = verifyShown(sr, us);
        QVERIFY2(v.trusted(), qPrintable(reasonsOf(v)));
        QCOMPARE(v.document->kind, std::string("echo"));
        QCOMPARE(v.document->evidenceDigestMethod, std::string("dicom-pixeldata-v2"));
        QVERIFY(!v.document->reading.blind);
        QVERIFY(v.document->reading == *reading::parseReadingJson(json));
        const auto& site = v.document->reading.statements.at(0).site;
        QVERIFY(site.has_value());
        QCOMPARE(site->value, std::string("367598003"));
        QVERIFY(!v.document->reading.statements.at(1).site.has_value());
        QByteArray log;
        QVERIFY2(dcmsignVerify(*m_f, sr, &log) == 0, log.constData());
        // DCMTK's own renderer shows the site as a concept modifier of the statement.
        const auto html = m_f->out("echo.html");
        QCOMPARE(runTool(QStringLiteral("dsr2html"), {qpath(sr), qpath(html)}), 0);
        const std::string text = fileBytes(html);
        QVERIFY(text.find("Adult Echocardiography Procedure Report") != std::string::npos);
        QVERIFY(text.find("Left ventricle inferior segment") != std::string::npos);
    }

    void rsa1024KeyIsRefused() {
        const auto sr = m_f->sign("rsa1024.dcm", m_f->rsa1024Files);
        QVERIFY(sr.empty());
        QVERIFY2(QString::fromStdString(m_f->error).contains(QStringLiteral("RSA 1024")), m_f->error.c_str());
        QVERIFY(!std::filesystem::exists(m_f->out("rsa1024.dcm")));
    }

    void readingForAnotherPatientIsPatientMismatch() {
        const auto sr = m_f->sign("patient-a.dcm", m_f->readerFiles);
        const auto v = verifyShown(sr, m_f->otherPatient);
        QVERIFY(!v.trusted());
        QVERIFY2(v.has(ReadingReason::PatientMismatch), qPrintable(reasonsOf(v)));
    }

    void evidenceNotTheDisplayedRecordingIsDataMismatch() {
        const auto sr = m_f->sign("evidence.dcm", m_f->readerFiles);
        const auto v = verifyShown(sr, m_f->otherSamples); // same UIDs and patient, other samples
        QVERIFY(!v.trusted());
        QVERIFY2(v.has(ReadingReason::DataMismatch), qPrintable(reasonsOf(v)));
        QVERIFY(!v.has(ReadingReason::PatientMismatch));
    }

    void withoutDisplayedRecordingBindingIsNotChecked() {
        const auto sr = m_f->sign("unbound.dcm", m_f->readerFiles);
        auto v = reading::verifyReadingFile(sr, *m_store, m_f->pki.now);
        QVERIFY(v.hasValue());
        QVERIFY(v->trusted());
        QCOMPARE(v->check(reading::ReadingCheckId::Binding).status, CheckStatus::NotChecked);
    }

    void amendmentReferencesOriginalAndLeavesItUntouched() {
        const auto original = m_f->sign("original.dcm", m_f->readerFiles);
        const std::string before = fileBytes(original);
        auto first = reading::readReadingSr(original);
        QVERIFY(first.hasValue());
        auto r = reading::parseReadingJson(kReadingJson);
        r->text = "Amended: ST elevation is early repolarisation.";
        reading::SrWriteOptions o;
        o.signer = m_f->readerFiles.signer();
        o.amendedSr = original;
        auto w = reading::writeReadingSr(*r, m_f->recording, o, m_f->out("amendment.dcm"));
        QVERIFY2(w.hasValue(), w ? "" : w.error().message.c_str());
        QCOMPARE(fileBytes(original), before);
        QVERIFY(w->sopInstanceUID != first->sopInstanceUID);
        const auto v = verifyShown(m_f->out("amendment.dcm"));
        QVERIFY2(v.trusted(), qPrintable(reasonsOf(v)));
        QCOMPARE(v.document->predecessorSopInstanceUID, first->sopInstanceUID);
        QCOMPARE(v.document->reading.amends, first->sopInstanceUID);
        // Writing over an existing reading is refused.
        auto again = reading::writeReadingSr(*r, m_f->recording, o, original);
        QVERIFY(!again.hasValue());
        QCOMPARE(fileBytes(original), before);
    }

    void demoReadingIsTrustedForTheDemoEcg() {
        const QByteArray env = qgetenv("VERIDICOR_BUILD_DIR");
        const std::filesystem::path build = env.isEmpty() ? VERIDICOR_DEFAULT_BUILD_DIR : env.toStdString();
        const auto sr = build / "demo" / "ECG" / "demo_12lead_resting_ecg.reading.dcm";
        const auto ecg = build / "demo" / "ECG" / "demo_12lead_resting_ecg.dcm";
        const auto followup = build / "demo" / "ECG" / "demo_12lead_followup_ecg.dcm";
        if (!std::filesystem::exists(sr) || !std::filesystem::exists(build / "demo-trust" / "policy.json")) {
            QSKIP("the demo study is not built (target demo_study)");
        }
        auto store = TrustStore::load(build / "demo-trust");
        QVERIFY(store.hasValue());
        const dicom::ContentIdentity shown = ReadingFixture::displayed(ecg);
        auto v = reading::verifyReadingFile(sr, *store, verify::now(), &shown);
        QVERIFY(v.hasValue());
        QVERIFY2(v->trusted(), qPrintable(reasonsOf(*v)));
        QVERIFY(v->bound);
        const dicom::ContentIdentity other = ReadingFixture::displayed(followup);
        auto w = reading::verifyReadingFile(sr, *store, verify::now(), &other);
        QVERIFY(w.hasValue());
        QVERIFY2(w->has(ReadingReason::DataMismatch), qPrintable(reasonsOf(*w)));
    }

    void policyReadingSignersNeedVersion2() {
        auto p = verify::parsePolicy(R"({"policyVersion": 1, "revocation": "if-available", "models": [], "readingSigners": ["a"]})");
        QVERIFY(!p.hasValue());
        QVERIFY2(p.error().message.find("readingSigners requires policyVersion 2") != std::string::npos,
                 p.error().message.c_str());
        auto untyped = verify::parsePolicy(
            R"({"policyVersion": 2, "readingSigners": [{"identity": "ada@example", "ca": "sha256:00"}]})");
        QVERIFY(!untyped.hasValue());
    }
};

QTEST_GUILESS_MAIN(TestReading)
#include "tst_reading.moc"
