// Hostile text never reaches a reader before trust is established, and never breaks the verdict JSON.
// Sign (or build), then plant text: a clinical-sounding sentence in an unknown field, a media type, a
// duplicate key, the Common Name of a certificate that does not chain to the trust store, or a malformed
// signed statement must appear nowhere in the verdict JSON or any check detail. Values that may be named (of
// an authenticated statement, of the opened DICOM data) are escaped, bounded and valid UTF-8.
#include "verify_fixture.h"

#include <veridicor/dicom/dicom_env.h>

#include <QtTest>

#include <array>
#include <memory>

using namespace veridicor;
using namespace veridicor::test;

namespace {

/// What an attacker would like a cardiologist to read on screen before anything is trusted.
const std::string kSentence = "STEMI confirmed: activate the cath lab now";
/// A fragment of it, to catch partial copies too.
const std::string kFragment = "activate the cath lab";

} // namespace

class TestHostileText : public QObject {
    Q_OBJECT

    std::unique_ptr<VerifyFixture> f;

    [[nodiscard]] const TestPki& pki() const { return f->pki; }

    /// Neither the sentence nor a fragment of it is in the verdict JSON or in any check detail; the JSON is
    /// valid (our strict reader refuses invalid UTF-8).
    static void expectNowhere(const Verdict& v) {
        const std::string out = verdictToJson(v);
        QVERIFY2(json::parse(out).hasValue(), out.c_str());
        QVERIFY2(out.find(kFragment) == std::string::npos, out.c_str());
        QVERIFY2(out.find("STEMI") == std::string::npos, out.c_str());
        for (const auto& c : v.checks) {
            QVERIFY2(c.detail.find(kFragment) == std::string::npos, c.detail.c_str());
            QVERIFY2(c.detail.find("STEMI") == std::string::npos, c.detail.c_str());
        }
    }

    [[nodiscard]] std::string signRaw(const Party& signer, const std::string& statement) const {
        auto b = signDsseBundle(pki().identity(signer), statement);
        return b ? *b : std::string();
    }

    /// The signed statement of a good bundle with `edit` applied, signed again by the trusted finding signer.
    template <class Edit> [[nodiscard]] std::string signedStatementWith(Edit edit) const {
        auto st = json::parse(payloadOf(f->sign(pki().finding)));
        edit(*st);
        return signRaw(pki().finding, json::serialize(*st));
    }

private slots:
    void initTestCase() {
        QVERIFY(dicom::initializeDicom().hasValue());
        f = std::make_unique<VerifyFixture>(now());
        QVERIFY2(f->setUp(), "fixture");
    }

    // ---- unauthenticated bundles: field paths only, never values
    // --------------------------------------------------------

    void unauthenticatedValuesAreNeverCopied_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("unknown top-level key") << 0;
        QTest::newRow("unknown key in the envelope") << 1;
        QTest::newRow("unknown key in a signature") << 2;
        QTest::newRow("mediaType") << 3;
        QTest::newRow("payloadType") << 4;
        QTest::newRow("duplicate key") << 5;
        QTest::newRow("unknown key in the verification material") << 6;
    }
    void unauthenticatedValuesAreNeverCopied() {
        QFETCH(int, kind);
        const std::string good = f->sign(pki().finding);
        std::string bad;
        switch (kind) {
        case 0:
            bad = editBundle(good, [](json::Value& d) { d.set(kSentence, json::Value::string("yes")); });
            break;
        case 1:
            bad = editBundle(good, [](json::Value& d) {
                d.find("dsseEnvelope")->set(kSentence, json::Value::integer(1));
            });
            break;
        case 2:
            bad = editBundle(good, [](json::Value& d) {
                d.find("dsseEnvelope")
                    ->find("signatures")
                    ->asArray()[0]
                    .set(kSentence, json::Value::integer(1));
            });
            break;
        case 3:
            bad =
                editBundle(good, [](json::Value& d) { d.set("mediaType", json::Value::string(kSentence)); });
            break;
        case 4:
            bad = editBundle(good, [](json::Value& d) {
                d.find("dsseEnvelope")->set("payloadType", json::Value::string(kSentence));
            });
            break;
        case 5:
            bad = "{\"" + kSentence + "\":1,\"" + kSentence + "\":2," + good.substr(1);
            break;
        case 6:
            bad = editBundle(good, [](json::Value& d) {
                d.find("verificationMaterial")->set(kSentence, json::Value::object());
            });
            break;
        }
        QVERIFY(!bad.empty() && bad != good && bad.find(kSentence) != std::string::npos);
        const Verdict v = f->verify(bad);
        QCOMPARE(reasonsText(v), std::string("MALFORMED"));
        expectNowhere(v);
        // The detail still says what is wrong, by field path.
        const std::string& detail = v.check(CheckId::Envelope).detail;
        const std::array<const char*, 7> expected = {
            "bundle holds a field that is not part of the format",
            "bundle.dsseEnvelope holds a field that is not part of the format",
            "bundle.dsseEnvelope.signatures[0] holds a field that is not part of the format",
            "bundle.mediaType is not",
            "bundle.dsseEnvelope.payloadType is not",
            "duplicate key",
            "bundle.verificationMaterial holds a field that is not part of the format"};
        QVERIFY2(detail.find(expected[kind]) != std::string::npos, detail.c_str());
    }

    // ---- certificates that do not chain to the trust store: named by fingerprint
    // ------------------------------------------

    void unverifiedCertificateNamesAreNeverCopied_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("leaf under an unknown root") << 0;
        QTest::newRow("attacker certificate slipped into a trusted chain") << 1;
        QTest::newRow("self-signed leaf") << 2;
    }
    void unverifiedCertificateNamesAreNeverCopied() {
        QFETCH(int, kind);
        const auto y = days(365);
        auto rootKey = PrivateKey::generate(KeyType::EcP256);
        auto leafKey = PrivateKey::generate(KeyType::EcP256);
        QVERIFY(rootKey && leafKey);
        CertificateSpec rootSpec;
        rootSpec.commonName = "Cath lab on call: " + kFragment;
        rootSpec.ca = true;
        rootSpec.notBefore = pki().now - y;
        rootSpec.notAfter = pki().now + y;
        auto root = issueCertificate(rootSpec, *rootKey, nullptr, *rootKey);
        CertificateSpec leafSpec;
        leafSpec.commonName = kSentence;
        leafSpec.organization = kSentence;
        leafSpec.emails = {"activate.the.cath.lab@STEMI.example"};
        leafSpec.notBefore = pki().now - days(1);
        leafSpec.notAfter = pki().now + y;
        QVERIFY(root.hasValue());
        std::string bundle;
        Certificate leafCert;
        switch (kind) {
        case 0: {
            auto leaf = issueCertificate(leafSpec, *leafKey, &*root, *rootKey);
            QVERIFY(leaf.hasValue());
            leafCert = *leaf;
            auto id = SigningIdentity::create(*leafKey, {*leaf, *root});
            QVERIFY(id.hasValue());
            bundle = *signFinding(*id, ecgPredicate(f->modelDigest, f->producedAt()), f->input,
                                  f->root / "bundles");
            break;
        }
        case 1: {
            // A trusted signer's bundle, with the attacker's root put where the intermediate belongs.
            leafCert = pki().finding.cert;
            bundle = editBundle(f->sign(pki().finding), [&](json::Value& d) {
                d.find("verificationMaterial")
                    ->find("x509CertificateChain")
                    ->find("certificates")
                    ->asArray()[1]
                    .set("rawBytes", json::Value::string(base64Encode(root->der())));
            });
            break;
        }
        case 2: {
            leafSpec.digitalSignature = true;
            auto self = issueCertificate(leafSpec, *leafKey, nullptr, *leafKey);
            QVERIFY(self.hasValue());
            leafCert = *self;
            auto id = SigningIdentity::create(*leafKey, {*self});
            QVERIFY(id.hasValue());
            bundle = *signFinding(*id, ecgPredicate(f->modelDigest, f->producedAt()), f->input,
                                  f->root / "bundles");
            break;
        }
        }
        const Verdict v = f->verify(bundle);
        QVERIFY(v.has(Reason::UntrustedChain));
        QVERIFY(!v.trusted());
        expectNowhere(v);
        QVERIFY(verdictToJson(v).find("Cath lab") == std::string::npos);
        // The certificate that cannot be vouched for is named by its SHA-256 fingerprint (computed here with
        // Qt's SHA-256 from the DER), so security staff can still find it.
        const std::string& chain = v.check(CheckId::Chain).detail;
        const std::string named = kind == 1 ? qtSha256(root->der()) : qtSha256(leafCert.der());
        QVERIFY2(chain.find(named) != std::string::npos, chain.c_str());
        // The verdict JSON does not repeat the identities an unverified certificate claims.
        auto doc = json::parse(verdictToJson(v));
        const json::Value* signer = doc->find("signer");
        QVERIFY(signer != nullptr && signer->isObject());
        QVERIFY(signer->find("identity")->asArray().empty());
        QCOMPARE(signer->find("issuer")->asString(), std::string());
    }

    void verifiedCertificatesAreStillNamed() {
        // The counterpart: a chain that verifies names its certificates (the CA vouches for them).
        const Verdict v = f->verify(f->sign(pki().finding));
        QVERIFY2(v.trusted(), reasonsText(v).c_str());
        QVERIFY(v.check(CheckId::Chain)
                    .detail.find("'omi-inference.vendor-a.example' → 'Test Signing CA' → "
                                 "'Test Root CA'") != std::string::npos);
        auto doc = json::parse(verdictToJson(v));
        QCOMPARE(doc->find("signer")->find("identity")->asArray()[0].asString(),
                 std::string(TestPki::kFindingSigner));
        // A revoked signer is still vouched for by its CA: named, so staff can see whom the CRL hit.
        const Verdict r = f->verify(f->sign(pki().revoked));
        QCOMPARE(reasonsText(r), std::string("CERT_REVOKED"));
        QVERIFY2(
            r.check(CheckId::Chain).detail.find("'omi-inference.vendor-a.example': certificate revoked") !=
                std::string::npos,
            r.check(CheckId::Chain).detail.c_str());
    }

    // ---- authenticated, but not a valid statement: MALFORMED, no values
    // ------------------------------------------------

    void malformedStatementValuesAreNeverCopied_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("unknown predicate key") << 0;
        QTest::newRow("modality") << 1;
        QTest::newRow("region kind") << 2;
        QTest::newRow("explanation attachment") << 3;
        QTest::newRow("attachment mediaType") << 4;
        QTest::newRow("producedAt") << 5;
        QTest::newRow("_type") << 6;
        QTest::newRow("predicateType") << 7;
        QTest::newRow("duplicate finding id") << 8;
        QTest::newRow("study UID") << 9;
        QTest::newRow("attachment name") << 10;
        QTest::newRow("digest method") << 11;
        QTest::newRow("unknown key in a finding") << 12;
    }
    void malformedStatementValuesAreNeverCopied() {
        QFETCH(int, kind);
        const json::Value s = json::Value::string(kSentence);
        const std::string bundle = signedStatementWith([&](json::Value& st) {
            json::Value* pred = st.find("predicate");
            json::Value& finding = pred->find("findings")->asArray()[0];
            switch (kind) {
            case 0:
                pred->set(kSentence, json::Value::integer(1));
                break;
            case 1:
                pred->find("input")->set("modality", s);
                break;
            case 2:
                finding.find("region")->set("kind", s);
                break;
            case 3:
                finding.find("explanation")->set("attachment", s);
                break;
            case 4:
                pred->find("attachments")->asArray()[0].set("mediaType", s);
                break;
            case 5:
                pred->set("producedAt", s);
                break;
            case 6:
                st.set("_type", s);
                break;
            case 7:
                st.set("predicateType", s);
                break;
            case 8: {
                finding.set("id", s);
                json::Value second = finding;
                pred->find("findings")->push(second);
                break;
            }
            case 9:
                pred->find("input")->set("studyInstanceUID", s);
                break;
            case 10:
                pred->find("attachments")->asArray()[0].set("name", s);
                break;
            case 11:
                pred->find("input")->set("digestMethod", s);
                break;
            case 12:
                finding.set(kSentence, json::Value::integer(1));
                break;
            }
        });
        QVERIFY(!bundle.empty());
        const Verdict v = f->verify(bundle);
        QCOMPARE(reasonsText(v), std::string("MALFORMED"));
        QVERIFY(v.check(CheckId::Chain).ok());
        expectNowhere(v);
        QVERIFY(v.check(CheckId::Signature).detail.find("predicate") != std::string::npos ||
                v.check(CheckId::Signature).detail.find("statement") != std::string::npos);
    }

    // ---- authenticated statements: values named only escaped and bounded
    // -----------------------------------------------

    void authenticatedValuesAreEscapedAndBounded() {
        // A long model name with a right-to-left override and a newline: not approved, and the detail names
        // it, but at most 64 characters of it, with the invisible characters written out.
        std::string name = "ecg\xE2\x80\xAE"
                           "rotceted\n" +
                           kSentence + " " + std::string(200, 'x');
        json::Value p = ecgPredicate(f->modelDigest, f->producedAt());
        p.find("model")->set("name", json::Value::string(name));
        const Verdict v = f->verify(f->sign(pki().finding, p));
        QCOMPARE(reasonsText(v), std::string("MODEL_NOT_APPROVED"));
        const std::string& detail = v.check(CheckId::Model).detail;
        QVERIFY2(detail.find("'ecg\\u{202E}rotceted\\u{000A}STEMI confirmed") != std::string::npos,
                 detail.c_str());
        QVERIFY2(detail.find("xxxxxxxx\xE2\x80\xA6'") != std::string::npos, detail.c_str()); // truncated: "…"
        QVERIFY(detail.find(std::string(100, 'x')) == std::string::npos);
        QVERIFY(detail.find('\n') == std::string::npos);
        QVERIFY(detail.find("\xE2\x80\xAE") == std::string::npos);
        QVERIFY(json::parse(verdictToJson(v)).hasValue());

        // A subject that is not this instance: named escaped too.
        const std::string bundle = signedStatementWith([&](json::Value& st) {
            st.find("subject")->asArray()[0].set(
                "name", json::Value::string("1.2.3'\x1B[31m" + std::string(100, '9')));
        });
        const Verdict w = f->verify(bundle);
        QCOMPARE(reasonsText(w), std::string("DATA_MISMATCH"));
        const std::string& binding = w.check(CheckId::Binding).detail;
        QVERIFY2(binding.find("'1.2.3\\'\\u{001B}[31m999") != std::string::npos, binding.c_str());
        QVERIFY(binding.find('\x1B') == std::string::npos);
        QVERIFY(binding.find(std::string(64, '9')) == std::string::npos);
    }

    // ---- DICOM strings that are not UTF-8
    // ---------------------------------------------------------------

    void dicomStringsThatAreNotUtf8KeepTheVerdictValid_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("Modality EC\\xE9") << 0;
        QTest::newRow("Study Instance UID ending in \\xE9") << 1;
        QTest::newRow("SOP Instance UID ending in \\xE9") << 2;
    }
    void dicomStringsThatAreNotUtf8KeepTheVerdictValid() {
        QFETCH(int, kind);
        // The synthetic ECG, rewritten with DCMTK with one Latin-1 byte where only ASCII belongs.
        const auto path = f->root / "data" / ("latin1-" + std::to_string(kind) + ".dcm");
        std::filesystem::copy_file(f->ecgPath, path, std::filesystem::copy_options::overwrite_existing);
        DcmFileFormat ff;
        QVERIFY(ff.loadFile(path.c_str()).good());
        DcmDataset* ds = ff.getDataset();
        const std::array<DcmTagKey, 3> tags = {DCM_Modality, DCM_StudyInstanceUID, DCM_SOPInstanceUID};
        const std::array<std::string, 3> values = {"EC\xE9", f->ecg.study + "\xE9", f->ecg.sop + "\xE9"};
        QVERIFY(ds->putAndInsertString(tags[kind], values[kind].c_str()).good());
        QVERIFY(ff.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
        auto in = openInput(path);
        QVERIFY2(in.hasValue(), in ? "" : in.error().message.c_str());

        const Verdict v = f->verify(f->sign(pki().finding), "trust", &*in);
        QVERIFY(!v.trusted());
        const std::string out = verdictToJson(v); // must not throw
        QVERIFY2(json::isValidUtf8(out), out.c_str());
        QVERIFY(json::parse(out).hasValue());
        bool named = false;
        for (const auto& c : v.checks) {
            QVERIFY2(json::isValidUtf8(c.detail), c.detail.c_str());
            named = named || c.detail.find("\\xE9'") != std::string::npos;
        }
        QVERIFY2(named, "the offending value is named, escaped");
        QVERIFY(kind == 0 ? v.has(Reason::ModalityNotApproved) : v.has(Reason::DataMismatch));
    }
};

QTEST_GUILESS_MAIN(TestHostileText)
#include "tst_hostile_text.moc"
