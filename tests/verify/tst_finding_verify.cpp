// Sign, then tamper: for every reason code of finding-bundle-v1, a manipulation that triggers exactly that
// code and nothing else; and the trusted path for every accepted key type.
#include "verify_fixture.h"

#include <veridicor/verify/audit_log.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include <QtTest>

#include <array>
#include <memory>

// moc (Qt 6.4) stops reading this file at some raw string literals (one that ends in a quote or holds an odd
// number of them): the test class then has no moc output and the test does not link. Those stay escaped.
// NOLINTBEGIN(modernize-raw-string-literal)

using namespace veridicor;
using namespace veridicor::test;

class TestFindingVerify : public QObject {
    Q_OBJECT

    std::unique_ptr<VerifyFixture> f;

    [[nodiscard]] const TestPki& pki() const { return f->pki; }

    void expectExactly(const Verdict& v, Reason r) {
        if (reasonsText(v) != reasonName(r)) {
            for (const auto& c : v.checks) {
                qWarning("%s: %s", std::string(checkName(c.id)).c_str(), c.detail.c_str());
            }
        }
        QVERIFY2(!v.trusted(), "a manipulated bundle verified as trusted");
        QCOMPARE(reasonsText(v), std::string(reasonName(r)));
    }

    static std::string withPayload(const std::string& bundle, const std::string& payload) {
        return editBundle(bundle, [&](json::Value& d) {
            d.find("dsseEnvelope")->set("payload", json::Value::string(base64Encode(payload)));
        });
    }

    /// Replaces one occurrence of `from` in the signed payload (the signature is left as it was).
    static std::string tamperPayload(const std::string& bundle, const std::string& from,
                                     const std::string& to) {
        std::string p = payloadOf(bundle);
        const auto at = p.find(from);
        if (at == std::string::npos) {
            return {};
        }
        p.replace(at, from.size(), to);
        return withPayload(bundle, p);
    }

    /// A certificate for `key` made here with OpenSSL's X509 API directly (not with the code under test),
    /// issued by `issuer`, with the given basicConstraints and keyUsage extension values ("" leaves one out).
    static Certificate craftCertificate(const std::string& cn, const PrivateKey& key, const Party& issuer,
                                        const std::string& basicConstraints, const std::string& keyUsage,
                                        TimePoint now) {
        static long serial = 7000;
        X509* x = X509_new();
        X509_set_version(x, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(x), ++serial);
        X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
        X509_set_issuer_name(x, X509_get_subject_name(issuer.cert.native()));
        ASN1_TIME_set(X509_getm_notBefore(x), static_cast<time_t>(toUnixSeconds(now - days(1))));
        ASN1_TIME_set(X509_getm_notAfter(x), static_cast<time_t>(toUnixSeconds(now + days(100))));
        X509_set_pubkey(x, key.native());
        X509V3_CTX ctx;
        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, issuer.cert.native(), x, nullptr, nullptr, 0);
        for (const auto& [nid, value] : {std::pair<int, std::string>{NID_basic_constraints, basicConstraints},
                                         {NID_key_usage, keyUsage},
                                         {NID_authority_key_identifier, "keyid:always"}}) {
            if (!value.empty()) {
                X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
                X509_add_ext(x, ext, -1);
                X509_EXTENSION_free(ext);
            }
        }
        X509_sign(x, issuer.key.native(), EVP_sha256());
        Certificate c = Certificate::fromNative(x);
        X509_free(x);
        return c;
    }

    /// A bundle signed over `statement` as given (no checks), for MALFORMED-after-authentication cases.
    std::string signRaw(const Party& signer, const std::string& statement) {
        auto b = signDsseBundle(pki().identity(signer), statement);
        return b ? *b : std::string();
    }

private slots:
    void initTestCase() {
        QVERIFY(dicom::initializeDicom().hasValue());
        f = std::make_unique<VerifyFixture>(now());
        QVERIFY2(f->setUp(), "fixture");
        QCOMPARE(f->input.method, DigestMethod::DicomWaveformV2);
        // The v1 digest checked against Qt's SHA-256 of the samples.
        QCOMPARE(*f->input.digestFor(DigestMethod::DicomWaveformV1), f->ecg.expectedDigest);
    }

    // ---- trusted
    // ----------------------------------------------------------------------------------------------

    void trustedWhenEverythingMatches() {
        const std::string bundle = f->sign(pki().finding);
        QVERIFY(!bundle.empty());
        const Verdict v = f->verify(bundle);
        QVERIFY2(v.trusted(), reasonsText(v).c_str());
        QVERIFY(v.reasons.empty());
        for (const auto& c : v.checks) {
            QVERIFY2(c.ok(), c.detail.c_str());
            QVERIFY(!c.detail.empty());
        }
        QVERIFY(v.authenticated);
        QVERIFY(v.statement.has_value());
        QCOMPARE(v.statement->findings.size(), std::size_t{1});
        QCOMPARE(v.statement->findings[0].text, std::string("Occlusion MI, anterior wall"));
        QCOMPARE(v.payload, payloadOf(bundle));
        QCOMPARE(v.attachments.size(), std::size_t{1});
        QCOMPARE(v.attachments[0].bytes, readAll(f->root / "bundles" / "f1-relevance.u8"));
        QVERIFY(v.signer.has_value());
        QCOMPARE(v.signer->identities.front(), std::string(TestPki::kFindingSigner));
        QCOMPARE(v.signer->chain.size(), std::size_t{3}); // leaf, intermediate, root
        QCOMPARE(v.signer->chain.back().commonName, std::string("Test Root CA"));
        QVERIFY(v.provenance && v.provenance->valid);
        QCOMPARE(v.provenance->modelSigner->identities.front(), std::string(TestPki::kModelSigner));
        QVERIFY(v.approval.has_value());
        QCOMPARE(v.bundleSha256, qtSha256(bundle));
    }

    void acceptedKeyTypes_data() {
        QTest::addColumn<int>("which");
        QTest::newRow("ECDSA P-256") << 0;
        QTest::newRow("ECDSA P-384") << 1;
        QTest::newRow("ECDSA P-521") << 2;
        QTest::newRow("Ed25519") << 3;
        QTest::newRow("RSA-2048 (PSS)") << 4;
    }
    void acceptedKeyTypes() {
        QFETCH(int, which);
        const std::array<const Party*, 5> parties = {&pki().finding, &pki().p384, &pki().p521, &pki().ed25519,
                                                     &pki().rsa2048};
        const Verdict v = f->verify(f->sign(*parties[which]));
        QVERIFY2(v.trusted(), reasonsText(v).c_str());
    }

    void rsaPkcs1v15SignatureIsAccepted() {
        // Sign PAE with RSA PKCS#1 v1.5 / SHA-256 directly with OpenSSL and put it in a PSS-signed bundle.
        const std::string bundle = f->sign(pki().rsa2048);
        const std::string payload = payloadOf(bundle);
        const std::string pae =
            "DSSEv1 28 application/vnd.in-toto+json " + std::to_string(payload.size()) + " " + payload;
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        EVP_PKEY_CTX* pctx = nullptr;
        QVERIFY(EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), nullptr, pki().rsa2048.key.native()) == 1);
        QVERIFY(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1);
        std::size_t len = 0;
        QVERIFY(EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(pae.data()),
                               pae.size()) == 1);
        std::string sig(len, '\0');
        QVERIFY(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                               reinterpret_cast<const unsigned char*>(pae.data()), pae.size()) == 1);
        EVP_MD_CTX_free(ctx);
        const std::string v15 = editBundle(bundle, [&](json::Value& d) {
            d.find("dsseEnvelope")
                ->find("signatures")
                ->asArray()[0]
                .set("sig", json::Value::string(base64Encode(sig)));
        });
        QVERIFY(v15 != bundle);
        const Verdict v = f->verify(v15);
        QVERIFY2(v.trusted(), reasonsText(v).c_str());
    }

    void urlSafeBase64IsAccepted() {
        const std::string bundle = f->sign(pki().finding);
        const std::string urlSafe = editBundle(bundle, [&](json::Value& d) {
            auto toUrl = [](std::string s) {
                for (auto& c : s) {
                    c = c == '+' ? '-' : c == '/' ? '_' : c;
                }
                while (!s.empty() && s.back() == '=') {
                    s.pop_back();
                }
                return s;
            };
            json::Value* env = d.find("dsseEnvelope");
            env->set("payload", json::Value::string(toUrl(env->find("payload")->asString())));
            json::Value& sig = env->find("signatures")->asArray()[0];
            sig.set("sig", json::Value::string(toUrl(sig.find("sig")->asString())));
        });
        const Verdict v = f->verify(urlSafe);
        QVERIFY2(v.trusted(), reasonsText(v).c_str());
    }

    void aFindingWithoutExplanationOrAttachmentsIsTrusted() {
        // Revision 1's text allows both (`explanation` optional, `attachments` may be empty); they used to be
        // MALFORMED. Left out altogether, `attachments` is read as empty.
        for (const bool leaveOut : {false, true}) {
            json::Value p = ecgPredicate(f->modelDigest, f->producedAt());
            auto& finding = p.find("findings")->asArray()[0];
            auto& members = finding.asObject();
            members.erase(std::remove_if(members.begin(), members.end(),
                                         [](const json::Member& m) { return m.key == "explanation"; }),
                          members.end());
            if (leaveOut) {
                auto& top = p.asObject();
                top.erase(std::remove_if(top.begin(), top.end(),
                                         [](const json::Member& m) { return m.key == "attachments"; }),
                          top.end());
            } else {
                p.set("attachments", json::Value::array());
            }
            const Verdict v = f->verify(f->sign(pki().finding, p));
            QVERIFY2(v.trusted(), reasonsText(v).c_str());
            QVERIFY(v.statement->findings[0].explanationAttachment.empty());
            QVERIFY(v.attachments.empty());
        }
        // An explanation that names no attachment is still MALFORMED.
        const std::string statement = *buildFindingStatement(ecgPredicate(f->modelDigest, f->producedAt()),
                                                             f->input, f->root / "bundles");
        const std::string broken = editBundle(statement, [](json::Value& doc) {
            doc.find("predicate")->set("attachments", json::Value::array());
        });
        expectExactly(f->verify(signRaw(pki().finding, broken)), Reason::Malformed);
    }

    void fileInputIsBoundByWholeFileDigest() {
        const auto path = f->root / "data" / "rhythm.xml";
        writeAll(path, "<?xml version=\"1.0\"?>\n<AnnotatedECG xmlns=\"urn:hl7-org:v3\"><id "
                       "root=\"1\"/></AnnotatedECG>\n");
        auto in = openInput(path);
        QVERIFY(in.hasValue());
        QCOMPARE(in->method, DigestMethod::FileV1);
        QCOMPARE(in->modality, std::string("ECG"));
        QCOMPARE(in->digest, qtSha256(readAll(path)));
        QCOMPARE(in->subjectName, std::string("rhythm.xml"));
        json::Value pred = ecgPredicate(f->modelDigest, f->producedAt());
        auto b = signFinding(pki().identity(pki().finding), pred, *in, f->root / "bundles");
        QVERIFY2(b.hasValue(), b ? "" : b.error().message.c_str());
        auto store = TrustStore::load(f->trustDir());
        const Verdict v =
            Verifier(*store).verify(*b, *in, pki().now, attachmentsFromFolder(f->root / "bundles"));
        QVERIFY2(v.trusted(), reasonsText(v).c_str());
        // The same file, one byte changed, is another recording.
        writeAll(path, readAll(path) + " ");
        auto changed = openInput(path);
        const Verdict w =
            Verifier(*store).verify(*b, *changed, pki().now, attachmentsFromFolder(f->root / "bundles"));
        expectExactly(w, Reason::DataMismatch);
    }

    // ---- step 1: MALFORMED, UNSIGNED
    // --------------------------------------------------------------------------

    void malformed_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("truncated JSON") << 0;
        QTest::newRow("wrong bundle mediaType") << 1;
        QTest::newRow("wrong payloadType") << 2;
        QTest::newRow("payload not base64") << 3;
        QTest::newRow("duplicate key") << 4;
        QTest::newRow("trailing data") << 5;
        QTest::newRow("unknown field") << 6;
        QTest::newRow("certificate not DER") << 7;
        QTest::newRow("two signatures") << 8;
        QTest::newRow("not an object") << 9;
        QTest::newRow("invalid UTF-8") << 10;
        QTest::newRow("payload is a number") << 11;
    }
    void malformed() {
        QFETCH(int, kind);
        const std::string b = f->sign(pki().finding);
        std::string bad;
        switch (kind) {
        case 0:
            bad = b.substr(0, b.size() / 2);
            break;
        case 1:
            bad = editBundle(
                b, [](json::Value& d) { d.set("mediaType", json::Value::string("application/json")); });
            break;
        case 2:
            bad = editBundle(b, [](json::Value& d) {
                d.find("dsseEnvelope")->set("payloadType", json::Value::string("application/json"));
            });
            break;
        case 3:
            bad = editBundle(b, [](json::Value& d) {
                d.find("dsseEnvelope")->set("payload", json::Value::string("e30*"));
            });
            break;
        case 4:
            bad = R"({"mediaType":"x",)" + b.substr(1);
            break;
        case 5:
            bad = b + "{}";
            break;
        case 6:
            bad = editBundle(b, [](json::Value& d) { d.set("comment", json::Value::string("hello")); });
            break;
        case 7:
            bad = editBundle(b, [](json::Value& d) {
                d.find("verificationMaterial")
                    ->find("x509CertificateChain")
                    ->find("certificates")
                    ->asArray()[0]
                    .set("rawBytes", json::Value::string(base64Encode("not a certificate")));
            });
            break;
        case 8:
            bad = editBundle(b, [](json::Value& d) {
                auto& sigs = d.find("dsseEnvelope")->find("signatures")->asArray();
                sigs.push_back(sigs.front());
            });
            break;
        case 9:
            bad = "[" + b + "]";
            break;
        case 10:
            bad = b;
            bad.insert(bad.find("application"), "\xC3\x28");
            break;
        case 11:
            bad = editBundle(
                b, [](json::Value& d) { d.find("dsseEnvelope")->set("payload", json::Value::integer(5)); });
            break;
        }
        QVERIFY(!bad.empty() && bad != b);
        const Verdict v = f->verify(bad);
        expectExactly(v, Reason::Malformed);
        QCOMPARE(v.check(CheckId::Envelope).status, CheckStatus::Failed);
        QVERIFY(!v.authenticated);
    }

    void malformedStatementAfterAuthentication_data() {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::newRow("confidence out of range")
            << QStringLiteral("\"confidence\":0.93") << QStringLiteral("\"confidence\":1.5");
        QTest::newRow("wrong predicateType")
            << QStringLiteral("urn:veridicor:ai-finding:v1") << QStringLiteral("urn:other:v1");
        QTest::newRow("no findings") << QStringLiteral("\"findings\":[{")
                                     << QStringLiteral("\"findings\":[],\"x\":[{");
        QTest::newRow("unknown digest method")
            << QStringLiteral("dicom-waveform-v2") << QStringLiteral("dicom-waveform-v9");
        QTest::newRow("bad attachment name")
            << QStringLiteral("\"name\":\"f1-relevance.u8\"") << QStringLiteral("\"name\":\"../f1\"");
        QTest::newRow("duplicate key in statement")
            << QStringLiteral("\"text\":") << QStringLiteral("\"id\":\"f2\",\"text\":");
    }
    void malformedStatementAfterAuthentication() {
        QFETCH(QString, from);
        QFETCH(QString, to);
        // The producer signed a statement that breaks the specification: chain and signature are fine.
        std::string statement = payloadOf(f->sign(pki().finding));
        const auto at = statement.find(from.toStdString());
        QVERIFY(at != std::string::npos);
        statement.replace(at, static_cast<std::size_t>(from.size()), to.toStdString());
        const Verdict v = f->verify(signRaw(pki().finding, statement));
        expectExactly(v, Reason::Malformed);
        QVERIFY(v.check(CheckId::Chain).ok());
        QVERIFY(!v.authenticated);
        QVERIFY(!v.statement.has_value());
        QVERIFY(verdictToJson(v).find("Occlusion") == std::string::npos);
    }

    void unsignedBundle_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("no signatures") << 0;
        QTest::newRow("empty signature") << 1;
        QTest::newRow("no verification material") << 2;
        QTest::newRow("empty certificate chain") << 3;
        QTest::newRow("signatures field absent") << 4;
    }
    void unsignedBundle() {
        QFETCH(int, kind);
        const std::string b = f->sign(pki().finding);
        const std::string bad = editBundle(b, [&](json::Value& d) {
            switch (kind) {
            case 0:
                d.find("dsseEnvelope")->find("signatures")->asArray().clear();
                break;
            case 1:
                d.find("dsseEnvelope")->find("signatures")->asArray()[0].set("sig", json::Value::string(""));
                break;
            case 2:
                d.erase("verificationMaterial");
                break;
            case 3:
                d.find("verificationMaterial")
                    ->find("x509CertificateChain")
                    ->find("certificates")
                    ->asArray()
                    .clear();
                break;
            case 4:
                d.find("dsseEnvelope")->erase("signatures");
                break;
            }
        });
        expectExactly(f->verify(bad), Reason::Unsigned);
    }

    // ---- step 2: chain
    // ---------------------------------------------------------------------------------------

    void untrustedChain_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("unknown root") << 0;
        QTest::newRow("intermediate missing") << 1;
        QTest::newRow("leaf may not sign") << 2;
        QTest::newRow("chain of the wrong issuer") << 3;
    }
    void untrustedChain() {
        QFETCH(int, kind);
        std::string bundle;
        switch (kind) {
        case 0:
            bundle = f->sign(pki().unknownLeaf);
            break;
        case 1:
            bundle = editBundle(f->sign(pki().finding), [](json::Value& d) {
                auto& certs = d.find("verificationMaterial")
                                  ->find("x509CertificateChain")
                                  ->find("certificates")
                                  ->asArray();
                certs.resize(1);
            });
            break;
        case 2:
            bundle = f->sign(pki().noSignUsage);
            break;
        case 3:
            bundle = editBundle(f->sign(pki().finding), [&](json::Value& d) {
                auto& certs = d.find("verificationMaterial")
                                  ->find("x509CertificateChain")
                                  ->find("certificates")
                                  ->asArray();
                certs[1].set("rawBytes", json::Value::string(base64Encode(pki().unknownRoot.cert.der())));
            });
            break;
        }
        QVERIFY(!bundle.empty());
        const Verdict v = f->verify(bundle);
        expectExactly(v, Reason::UntrustedChain);
        QVERIFY(v.check(CheckId::Signature).ok()); // the signature itself is fine: only the signer is unknown
        QVERIFY(v.signer.has_value());             // shown, for the reader to see who claims to have signed
        QVERIFY(!v.signer->chainTrusted);
    }

    void certExpired_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("expired leaf") << 0;
        QTest::newRow("leaf not yet valid") << 1;
        QTest::newRow("valid leaf, checked after it expired (--at)") << 2;
    }
    void certExpired() {
        QFETCH(int, kind);
        VerifyFixture::PolicyOptions noCrl;
        noCrl.withCrl = false; // the CRL would itself have expired at a later --at
        QVERIFY(f->writeTrustStore("trust-nocrl", noCrl));
        Verdict v;
        if (kind == 0) {
            v = f->verify(f->sign(pki().expired), "trust-nocrl");
        } else if (kind == 1) {
            v = f->verify(f->sign(pki().notYetValid), "trust-nocrl");
        } else {
            auto store = TrustStore::load(f->trustDir("trust-nocrl"));
            v = Verifier(*store).verify(f->sign(pki().finding), f->input, pki().now + days(400),
                                        attachmentsFromFolder(f->root / "bundles"));
        }
        expectExactly(v, Reason::CertExpired);
    }

    void certRevoked() {
        const Verdict v = f->verify(f->sign(pki().revoked));
        expectExactly(v, Reason::CertRevoked);
        QVERIFY(v.check(CheckId::Chain).detail.find("revoked") != std::string::npos);
    }

    void revocationPolicy() {
        // if-available without any CRL: the revoked certificate cannot be known to be revoked.
        VerifyFixture::PolicyOptions o;
        o.withCrl = false;
        QVERIFY(f->writeTrustStore("trust-ifavail-nocrl", o));
        QVERIFY(f->verify(f->sign(pki().revoked), "trust-ifavail-nocrl").trusted());
        // require without a CRL for the issuer: fails, naming the missing CRL.
        o.revocation = "require";
        QVERIFY(f->writeTrustStore("trust-require-nocrl", o));
        const Verdict v = f->verify(f->sign(pki().finding), "trust-require-nocrl");
        expectExactly(v, Reason::CertRevoked);
        QVERIFY(v.check(CheckId::Chain).detail.find("no CRL") != std::string::npos);
        // require with only the intermediate's CRL: the intermediate's own issuer (the root) has none.
        o.withCrl = true;
        QVERIFY(f->writeTrustStore("trust-require-partial", o));
        const Verdict partial = f->verify(f->sign(pki().finding), "trust-require-partial");
        expectExactly(partial, Reason::CertRevoked);
        QVERIFY(partial.check(CheckId::Chain).detail.find("'Test Signing CA': no CRL") != std::string::npos);
        // require with a CRL from every issuer: a good certificate passes (the root needs no CRL of its own),
        // a revoked one fails.
        o.withRootCrl = true;
        QVERIFY(f->writeTrustStore("trust-require", o));
        const Verdict ok = f->verify(f->sign(pki().finding), "trust-require");
        QVERIFY2(ok.trusted(), (reasonsText(ok) + ": " + ok.check(CheckId::Chain).detail).c_str());
        expectExactly(f->verify(f->sign(pki().revoked), "trust-require"), Reason::CertRevoked);
    }

    void staleCrlMeansRevocationStatusUnknown_data() {
        QTest::addColumn<QString>("revocation");
        QTest::addColumn<bool>("expired"); // else not yet valid
        for (const char* mode : {"if-available", "require"}) {
            QTest::addRow("%s, the issuer's CRL expired", mode) << QString::fromLatin1(mode) << true;
            QTest::addRow("%s, the issuer's CRL not yet valid", mode) << QString::fromLatin1(mode) << false;
        }
    }
    void staleCrlMeansRevocationStatusUnknown() {
        // A CRL that is present but out of date (or not yet valid) cannot establish that a certificate is
        // not revoked: under either policy the verdict fails closed as CERT_REVOKED, and the detail says
        // the status is unknown rather than that the certificate was revoked.
        QFETCH(QString, revocation);
        QFETCH(bool, expired);
        VerifyFixture::PolicyOptions o;
        o.revocation = revocation.toStdString();
        o.withRootCrl = true;
        const std::string store = "trust-stale-" + o.revocation + (expired ? "-expired" : "-early");
        QVERIFY(f->writeTrustStore(store, o));
        const TimePoint n = pki().now;
        auto stale =
            makeCrlPem(pki().inter.cert, pki().inter.key, {Revocation{pki().revoked.cert, n - days(40)}},
                       expired ? n - days(30) : n + days(1), expired ? n - days(1) : n + days(30));
        QVERIFY(stale.hasValue());
        writeAll(f->trustDir(store) / "crls" / "inter.pem", *stale);

        const Verdict v = f->verify(f->sign(pki().finding), store);
        expectExactly(v, Reason::CertRevoked);
        const std::string& detail = v.check(CheckId::Chain).detail;
        QVERIFY2(detail.find("'omi-inference.vendor-a.example': revocation status unknown (the CRL of its "
                             "issuer is " +
                             std::string(expired ? "out of date" : "not yet valid")) != std::string::npos,
                 detail.c_str());
        QVERIFY2(detail.find("certificate revoked") == std::string::npos, detail.c_str());
        // A certificate the stale list does name as revoked is revoked all the same (revocations are final).
        const Verdict r = f->verify(f->sign(pki().revoked), store);
        expectExactly(r, Reason::CertRevoked);
        QVERIFY2(r.check(CheckId::Chain).detail.find("certificate revoked") != std::string::npos,
                 r.check(CheckId::Chain).detail.c_str());
    }

    void anchorRevocationIsNeverChecked_data() {
        QTest::addColumn<QString>("revocation");
        QTest::newRow("if-available") << QStringLiteral("if-available");
        QTest::newRow("require") << QStringLiteral("require");
    }
    void anchorRevocationIsNeverChecked() {
        // A root is trusted by being in anchors/ (missing CRL of its own: exempt), so neither an out-of-date
        // CRL of the root nor one naming the root itself says anything about the root. The root's CRL does
        // cover the intermediate below it, whose status an out-of-date one leaves unknown.
        QFETCH(QString, revocation);
        VerifyFixture::PolicyOptions o;
        o.revocation = revocation.toStdString();
        o.withRootCrl = true;
        const std::string store = "trust-anchor-crl-" + o.revocation;
        QVERIFY(f->writeTrustStore(store, o));
        const TimePoint n = pki().now;
        auto stale = makeCrlPem(pki().root.cert, pki().root.key, {}, n - days(30), n - days(1));
        QVERIFY(stale.hasValue());
        writeAll(f->trustDir(store) / "crls" / "root.pem", *stale);
        const Verdict v = f->verify(f->sign(pki().finding), store);
        expectExactly(v, Reason::CertRevoked);
        const std::string& detail = v.check(CheckId::Chain).detail;
        QVERIFY2(detail.find("'Test Signing CA': revocation status unknown") != std::string::npos,
                 detail.c_str());
        QVERIFY2(detail.find("'Test Root CA':") == std::string::npos, detail.c_str());

        // A current root CRL that names the root itself: the root stays trusted.
        auto selfListing = makeCrlPem(pki().root.cert, pki().root.key,
                                      {Revocation{pki().root.cert, n - days(2)}}, n - days(1), n + days(30));
        QVERIFY(selfListing.hasValue());
        writeAll(f->trustDir(store) / "crls" / "root.pem", *selfListing);
        const Verdict w = f->verify(f->sign(pki().finding), store);
        QVERIFY2(w.trusted(), (reasonsText(w) + ": " + w.check(CheckId::Chain).detail).c_str());
    }

    void caCertificatesMayNotSign_data() {
        QTest::addColumn<QString>("basicConstraints");
        QTest::addColumn<QString>("keyUsage");
        QTest::addColumn<bool>("acceptable");
        QTest::newRow("CA:TRUE, may also sign")
            << QStringLiteral("critical,CA:TRUE,pathlen:0")
            << QStringLiteral("critical,digitalSignature,keyCertSign") << false;
        QTest::newRow("CA:TRUE, no key usage") << QStringLiteral("critical,CA:TRUE") << QString() << false;
        QTest::newRow("no basicConstraints, but keyCertSign")
            << QString() << QStringLiteral("critical,digitalSignature,keyCertSign") << false;
        QTest::newRow("control: CA:FALSE")
            << QStringLiteral("critical,CA:FALSE") << QStringLiteral("critical,digitalSignature") << true;
        QTest::newRow("control: no basicConstraints, digitalSignature")
            << QString() << QStringLiteral("critical,digitalSignature") << true;
    }
    void caCertificatesMayNotSign() {
        // A certificate authority signs certificates, not findings: whoever controls a CA key below the
        // anchor must not be able to sign as a finding signer with it.
        QFETCH(QString, basicConstraints);
        QFETCH(QString, keyUsage);
        QFETCH(bool, acceptable);
        auto key = PrivateKey::generate(KeyType::EcP256);
        QVERIFY(key.hasValue());
        const Certificate cert =
            craftCertificate(TestPki::kFindingSigner, *key, pki().inter, basicConstraints.toStdString(),
                             keyUsage.toStdString(), pki().now);
        QVERIFY(!cert.isNull());
        auto id = SigningIdentity::create(*key, {cert, pki().inter.cert});
        QVERIFY(id.hasValue());
        auto bundle =
            signFinding(*id, ecgPredicate(f->modelDigest, f->producedAt()), f->input, f->root / "bundles");
        QVERIFY(bundle.hasValue());
        VerifyFixture::PolicyOptions o;
        o.withCrl =
            false; // the crafted serials are not in the CRL anyway; keep the chain check alone in play
        QVERIFY(f->writeTrustStore("trust-ca-leaf", o));
        const Verdict v = f->verify(*bundle, "trust-ca-leaf");
        if (acceptable) {
            QVERIFY2(v.trusted(), (reasonsText(v) + ": " + v.check(CheckId::Chain).detail).c_str());
            return;
        }
        expectExactly(v, Reason::UntrustedChain);
        QVERIFY2(v.check(CheckId::Chain).detail.find("is a CA certificate") != std::string::npos,
                 v.check(CheckId::Chain).detail.c_str());
        QVERIFY(v.check(CheckId::Signature).ok());
    }

    void caCertificateCannotVouchForAModel() {
        auto key = PrivateKey::generate(KeyType::EcP256);
        const Certificate cert =
            craftCertificate(TestPki::kModelSigner, *key, pki().inter, "critical,CA:TRUE,pathlen:0",
                             "critical,digitalSignature,keyCertSign", pki().now);
        auto id = SigningIdentity::create(*key, {cert, pki().inter.cert});
        QVERIFY(id.hasValue());
        VerifyFixture::PolicyOptions o;
        o.modelBundleOverride = *signModel(f->modelDir, *id, ModelSignOptions{});
        QVERIFY(f->writeTrustStore("trust-ca-model", o));
        const Verdict v = f->verify(f->sign(pki().finding), "trust-ca-model");
        expectExactly(v, Reason::ModelProvenanceInvalid);
        QVERIFY2(v.check(CheckId::Provenance).detail.find("UNTRUSTED_CHAIN") != std::string::npos,
                 v.check(CheckId::Provenance).detail.c_str());
    }

    void weakAlgorithm_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("RSA-1024 signer") << 0;
        QTest::newRow("SHA-1 signed certificate") << 1;
    }
    void weakAlgorithm() {
        QFETCH(int, kind);
        const Verdict v = f->verify(f->sign(kind == 0 ? pki().rsa1024 : pki().sha1Signed));
        expectExactly(v, Reason::WeakAlgorithm);
    }

    // ---- step 3: signature
    // -----------------------------------------------------------------------------------

    void badSignature_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("finding text edited") << 0;
        QTest::newRow("confidence raised") << 1;
        QTest::newRow("signature bit flipped") << 2;
        QTest::newRow("signature of another bundle") << 3;
        QTest::newRow("payload of another bundle") << 4;
    }
    void badSignature() {
        QFETCH(int, kind);
        const std::string b = f->sign(pki().finding);
        std::string bad;
        switch (kind) {
        case 0:
            bad = tamperPayload(b, "Occlusion MI", "No MI here");
            break;
        case 1:
            bad = tamperPayload(b, "0.93", "0.99");
            break;
        case 2:
            bad = editBundle(b, [](json::Value& d) {
                json::Value& s = d.find("dsseEnvelope")->find("signatures")->asArray()[0];
                std::string sig = *base64Decode(s.find("sig")->asString());
                sig[sig.size() / 2] = static_cast<char>(sig[sig.size() / 2] ^ 0x01);
                s.set("sig", json::Value::string(base64Encode(sig)));
            });
            break;
        case 3: {
            json::Value other = ecgPredicate(f->modelDigest, f->producedAt());
            other.find("findings")->asArray()[0].set("text", json::Value::string("Something else"));
            const std::string ob = f->sign(pki().finding, other);
            bad = editBundle(b, [&](json::Value& d) {
                *d.find("dsseEnvelope")->find("signatures") =
                    *json::parse(ob)->find("dsseEnvelope")->find("signatures");
            });
            break;
        }
        case 4: {
            json::Value other = ecgPredicate(f->modelDigest, f->producedAt());
            other.find("findings")->asArray()[0].set("confidence", json::Value::number(0.5));
            bad = withPayload(b, payloadOf(f->sign(pki().finding, other)));
            break;
        }
        }
        QVERIFY(!bad.empty() && bad != b);
        const Verdict v = f->verify(bad);
        expectExactly(v, Reason::BadSignature);
        QVERIFY(v.check(CheckId::Chain).ok());
    }

    void unauthenticatedPayloadIsNeverInterpreted() {
        const std::string bad = tamperPayload(f->sign(pki().finding), "Occlusion MI", "Tampered MI");
        const Verdict v = f->verify(bad);
        QVERIFY(!v.trusted());
        QVERIFY(!v.authenticated);
        QVERIFY(v.payload.empty());
        QVERIFY(!v.statement.has_value());
        QVERIFY(!v.approval.has_value());
        QVERIFY(!v.provenance.has_value());
        QVERIFY(v.attachments.empty());
        for (const CheckId id :
             {CheckId::Model, CheckId::Provenance, CheckId::Binding, CheckId::Attachments}) {
            QCOMPARE(v.check(id).status, CheckStatus::NotChecked);
            QVERIFY(v.check(id).reasons.empty());
        }
        const std::string json = verdictToJson(v);
        QVERIFY(json.find("Tampered") == std::string::npos);
        QVERIFY(json.find("Occlusion") == std::string::npos);
        QVERIFY(json.find("ecg-omi-detector") == std::string::npos);
        auto doc = json::parse(json);
        QVERIFY(doc->find("findings")->asArray().empty());
        QVERIFY(doc->find("model")->isNull());
    }

    // ---- step 4: model
    // ---------------------------------------------------------------------------------------

    void modelNotApproved() {
        json::Value p = ecgPredicate(f->modelDigest, f->producedAt());
        p.find("model")->set("version", json::Value::string("9.9.9"));
        const Verdict v = f->verify(f->sign(pki().finding, p));
        expectExactly(v, Reason::ModelNotApproved);
        QCOMPARE(v.check(CheckId::Provenance).status, CheckStatus::NotChecked);
    }

    void modelDigestMismatch() {
        const Verdict v =
            f->verify(f->sign(pki().finding, ecgPredicate(std::string(64, 'a'), f->producedAt())));
        expectExactly(v, Reason::ModelDigestMismatch);
    }

    void modalityNotApproved() {
        VerifyFixture::PolicyOptions o;
        o.modalities = {"US"};
        QVERIFY(f->writeTrustStore("trust-us-only", o));
        expectExactly(f->verify(f->sign(pki().finding), "trust-us-only"), Reason::ModalityNotApproved);
    }

    void signerNotAuthorized() {
        const Verdict v = f->verify(f->sign(pki().other));
        expectExactly(v, Reason::SignerNotAuthorized);
        QVERIFY(v.check(CheckId::Chain).ok());
    }

    // ---- step 5: provenance
    // ----------------------------------------------------------------------------------

    void modelProvenanceInvalid_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("no OMS bundle in models/") << 0;
        QTest::newRow("model signed by an unauthorized signer") << 1;
        QTest::newRow("OMS bundle tampered") << 2;
        QTest::newRow("OMS bundle of another model") << 3;
        QTest::newRow("model signer revoked") << 4;
    }
    void modelProvenanceInvalid() {
        QFETCH(int, kind);
        VerifyFixture::PolicyOptions o;
        switch (kind) {
        case 0:
            o.withModelBundle = false;
            break;
        case 1:
            o.modelBundleOverride = *signModel(f->modelDir, pki().identity(pki().other), ModelSignOptions{});
            break;
        case 2: {
            // Replace one file digest in the signed manifest: the signature no longer matches.
            std::string p = payloadOf(f->modelBundle);
            const auto at = p.find("\"digest\":\"") + 10;
            p[at] = p[at] == '0' ? '1' : '0';
            o.modelBundleOverride = editBundle(f->modelBundle, [&](json::Value& d) {
                d.find("dsseEnvelope")->set("payload", json::Value::string(base64Encode(p)));
            });
            break;
        }
        case 3: {
            const auto otherModel = f->root / "other-model";
            writeAll(otherModel / "w.bin", "other weights");
            o.modelBundleOverride =
                *signModel(otherModel, pki().identity(pki().modelSigner), ModelSignOptions{});
            break;
        }
        case 4:
            o.modelBundleOverride =
                *signModel(f->modelDir, pki().identity(pki().revoked), ModelSignOptions{});
            o.modelSigners = {TestPki::kFindingSigner}; // the revoked party's name: only revocation fails
            break;
        }
        QVERIFY(f->writeTrustStore("trust-prov", o));
        const Verdict v = f->verify(f->sign(pki().finding), "trust-prov");
        expectExactly(v, Reason::ModelProvenanceInvalid);
        QVERIFY(!v.provenance->valid);
    }

    void provenanceIsRecheckedWhenItsPeriodEnds() {
        // A model signer whose certificate ends in 10 days: a Verifier that checked the model's signature
        // once must not carry that result past the certificate's end.
        auto key = PrivateKey::generate(KeyType::EcP256);
        CertificateSpec spec;
        spec.commonName = "Short-lived Model Signing";
        spec.notBefore = pki().now - days(1);
        spec.notAfter = pki().now + days(10);
        auto cert = issueCertificate(spec, *key, &pki().inter.cert, pki().inter.key);
        QVERIFY(cert.hasValue());
        auto id = SigningIdentity::create(*key, {*cert, pki().inter.cert});
        VerifyFixture::PolicyOptions o;
        o.modelBundleOverride = *signModel(f->modelDir, *id, ModelSignOptions{});
        o.modelSigners = {"Short-lived Model Signing"};
        o.withCrl = false; // the CRLs are current for a year; keep only the certificate's period in play
        QVERIFY(f->writeTrustStore("trust-short", o));
        const Verifier verifier(*TrustStore::load(f->trustDir("trust-short")));
        const std::string bundle = f->sign(pki().finding);
        const auto reader = attachmentsFromFolder(f->root / "bundles");
        for (int round = 0; round < 2; ++round) { // the second round is answered from the cache
            const Verdict v = verifier.verify(bundle, f->input, pki().now, reader);
            QVERIFY2(v.trusted(), reasonsText(v).c_str());
        }
        const Verdict later = verifier.verify(bundle, f->input, pki().now + days(20), reader);
        expectExactly(later, Reason::ModelProvenanceInvalid);
        QVERIFY(later.check(CheckId::Provenance).detail.find("CERT_EXPIRED") != std::string::npos);
        const Verdict earlier = verifier.verify(bundle, f->input, pki().now - days(2), reader);
        QVERIFY(earlier.has(Reason::ModelProvenanceInvalid)); // before the model signer's certificate began
    }

    // ---- step 6: binding
    // -------------------------------------------------------------------------------------

    void dataMismatch_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("other samples, same UIDs (data altered)") << 0;
        QTest::newRow("same samples, other instance UID (replayed)") << 1;
        QTest::newRow("same samples, other study") << 2;
        QTest::newRow("a file-v1 recording") << 3;
    }
    void dataMismatch() {
        QFETCH(int, kind);
        SyntheticEcg other = f->ecg;
        int variant = 0;
        switch (kind) {
        case 0:
            variant = 1;
            break;
        case 1:
            other.sop = "1.2.826.0.1.3680043.10.1001.99";
            break;
        case 2:
            other.study = "1.2.826.0.1.3680043.10.1001.98";
            break;
        default:
            break;
        }
        const auto path = f->root / "data" / ("other-" + std::to_string(kind) + ".dcm");
        InputData in;
        if (kind == 3) {
            writeAll(path, "<AnnotatedECG xmlns=\"urn:hl7-org:v3\"/>");
            in = *openInput(path);
        } else {
            QVERIFY(other.write(path, EXS_LittleEndianExplicit, variant));
            in = *openInput(path);
        }
        const Verdict v = f->verify(f->sign(pki().finding), "trust", &in);
        expectExactly(v, Reason::DataMismatch);
    }

    void encodingOfTheSameSamplesDoesNotMatter() {
        // The waveform digest is over the samples, not the file: explicit big endian and implicit little
        // endian files of the same recording verify as the same data.
        for (const E_TransferSyntax xfer : {EXS_BigEndianExplicit, EXS_LittleEndianImplicit}) {
            SyntheticEcg same = f->ecg;
            const auto path = f->root / "data" / ("same-" + std::to_string(static_cast<int>(xfer)) + ".dcm");
            QVERIFY(same.write(path, xfer));
            const InputData in = *openInput(path);
            QCOMPARE(in.digest, f->input.digest);
            QVERIFY(f->verify(f->sign(pki().finding), "trust", &in).trusted());
        }
    }

    // ---- step 7: attachments and time
    // ------------------------------------------------------------------------

    void attachmentMismatch_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("attachment changed") << 0;
        QTest::newRow("attachment missing") << 1;
    }
    void attachmentMismatch() {
        QFETCH(int, kind);
        const std::string bundle = f->sign(pki().finding);
        const auto path = f->root / "bundles" / "f1-relevance.u8";
        const std::string original = readAll(path);
        if (kind == 0) {
            std::string changed = original;
            changed[10] = static_cast<char>(changed[10] ^ 0x40);
            writeAll(path, changed);
        } else {
            std::filesystem::remove(path);
        }
        const Verdict v = f->verify(bundle);
        writeAll(path, original);
        expectExactly(v, Reason::AttachmentMismatch);
        QVERIFY(v.attachments.empty());
    }

    void timeInvalid_data() {
        QTest::addColumn<int>("minutes"); // relative to now
        QTest::newRow("in the future") << 60;
        QTest::newRow("6 minutes ahead") << 6;
        QTest::newRow("before the signer's certificate") << -20 * 24 * 60;
    }
    void timeInvalid() {
        QFETCH(int, minutes);
        const std::string at = formatRfc3339(
            std::chrono::floor<std::chrono::seconds>(pki().now + std::chrono::minutes(minutes)));
        expectExactly(f->verify(f->sign(pki().finding, ecgPredicate(f->modelDigest, at))),
                      Reason::TimeInvalid);
    }

    void clockSkewUpToFiveMinutesIsTolerated() {
        const std::string at =
            formatRfc3339(std::chrono::floor<std::chrono::seconds>(pki().now + std::chrono::minutes(4)));
        const Verdict v = f->verify(f->sign(pki().finding, ecgPredicate(f->modelDigest, at)));
        QVERIFY2(v.trusted(), reasonsText(v).c_str());
    }

    // ---- verdicts
    // ---------------------------------------------------------------------------------------------

    void severalReasonsAreSortedAndUnique() {
        // Other data, a changed attachment and a future time at once.
        const std::string at =
            formatRfc3339(std::chrono::floor<std::chrono::seconds>(pki().now + std::chrono::hours(2)));
        const std::string bundle = f->sign(pki().finding, ecgPredicate(f->modelDigest, at));
        SyntheticEcg other = f->ecg;
        other.sop = "1.2.826.0.1.3680043.10.1001.77";
        QVERIFY(other.write(f->root / "data" / "multi.dcm", EXS_LittleEndianExplicit, 3));
        const InputData in = *openInput(f->root / "data" / "multi.dcm");
        const auto path = f->root / "bundles" / "f1-relevance.u8";
        const std::string original = readAll(path);
        writeAll(path, original + "x");
        const Verdict v = f->verify(bundle, "trust", &in);
        writeAll(path, original);
        QCOMPARE(reasonsText(v), std::string("ATTACHMENT_MISMATCH,DATA_MISMATCH,TIME_INVALID"));
        // The check that found several problems names them all.
        QVERIFY(v.check(CheckId::Binding).detail.find("instance") != std::string::npos);
    }

    void verdictJsonFollowsTheSpecification() {
        const Verdict v = f->verify(f->sign(pki().finding));
        auto doc = json::parse(verdictToJson(v));
        QVERIFY(doc.hasValue());
        std::vector<std::string> keys;
        for (const auto& m : doc->asObject()) {
            keys.push_back(m.key);
        }
        // The specification's members in its order, and Revision 2's additions: binding (method and whether
        // it covers the header), warnings (signedAt only with a timestamp).
        QCOMPARE(keys, (std::vector<std::string>{"verdict", "reasons", "signer", "model", "checks", "binding",
                                                 "warnings", "findings"}));
        QCOMPARE(doc->find("binding")->find("method")->asString(), std::string("dicom-waveform-v2"));
        QVERIFY(doc->find("binding")->find("headerCovered")->asBool());
        QVERIFY(doc->find("warnings")->asArray().empty());
        QCOMPARE(doc->find("verdict")->asString(), std::string("trusted"));
        const json::Value* signer = doc->find("signer");
        QCOMPARE(signer->find("identity")->asArray()[0].asString(), std::string(TestPki::kFindingSigner));
        QCOMPARE(signer->find("identities")->asArray()[0].asString(),
                 "dns:" + std::string(TestPki::kFindingSigner));
        QCOMPARE(signer->find("authorized")->asString(), "dns:" + std::string(TestPki::kFindingSigner));
        QCOMPARE(signer->find("issuer")->asString(), std::string("CN=Test Signing CA,O=Veridicor Test"));
        QVERIFY(parseRfc3339(signer->find("notBefore")->asString()).has_value());
        QCOMPARE(doc->find("model")->find("digest")->asString(), f->modelDigest);
        const auto& checks = doc->find("checks")->asArray();
        QCOMPARE(checks.size(), std::size_t{7});
        const std::array<const char*, 7> names = {"envelope",   "chain",   "signature",  "model",
                                                  "provenance", "binding", "attachments"};
        for (std::size_t i = 0; i < 7; ++i) {
            QCOMPARE(checks[i].find("name")->asString(), std::string(names[i]));
            QVERIFY(checks[i].find("ok")->asBool());
        }
        // The findings are echoed exactly as signed.
        const auto signedDoc = json::parse(payloadOf(f->sign(pki().finding)));
        const json::Value* signedFindings = signedDoc->find("predicate")->find("findings");
        QCOMPARE(doc->find("findings")->asArray().size(), signedFindings->asArray().size());
        QCOMPARE(doc->find("findings")->asArray()[0].find("text")->asString(),
                 std::string("Occlusion MI, anterior wall"));
        QCOMPARE(doc->find("findings")->asArray()[0].find("confidence")->asDouble(), 0.93);
    }

    void echoedFindingsKeepNumbersExactlyAsSigned() {
        // Beyond 2^53 a double skips integers, and "0.930" is not "0.93" as text: the echo is the signed
        // text.
        json::Value p = ecgPredicate(f->modelDigest, f->producedAt());
        json::Value& finding = p.find("findings")->asArray()[0];
        finding.set("confidence", json::Value::number(0.93, "0.930"));
        finding.find("measurements")
            ->asArray()[0]
            .set("value", json::Value::number(9007199254740993.0, "9007199254740993"));
        const std::string bundle = f->sign(pki().finding, p);
        QVERIFY(payloadOf(bundle).find("\"value\":9007199254740993") != std::string::npos);
        const Verdict v = f->verify(bundle);
        QVERIFY2(v.trusted(), reasonsText(v).c_str());
        const std::string out = verdictToJson(v);
        QVERIFY2(out.find("\"value\": 9007199254740993,") != std::string::npos, out.c_str());
        QVERIFY2(out.find("\"confidence\": 0.930,") != std::string::npos, out.c_str());
        QVERIFY2(out.find("\"startSeconds\": 0.02,") != std::string::npos, out.c_str());
    }

    void reasonNamesAndExplanations() {
        QCOMPARE(kAllReasons.size(), std::size_t{15});
        std::string previous;
        for (const Reason r : kAllReasons) {
            const std::string name(reasonName(r));
            QVERIFY(name > previous); // declared in alphabetical order
            previous = name;
            QCOMPARE(reasonFromName(name), std::optional<Reason>(r));
            QVERIFY(!reasonExplanation(r).empty());
        }
        QCOMPARE(std::string(reasonExplanation(Reason::BadSignature)),
                 std::string("The signature does not match the content: it was changed after signing."));
        QVERIFY(std::string(reasonExplanation(Reason::DataMismatch)).find("different recording") !=
                std::string::npos);
        QVERIFY(!reasonFromName("bad_signature").has_value());
    }

    void oversizedBundleFileIsMalformed() {
        const auto path = f->root / "bundles" / "huge.finding.json";
        writeAll(path, "{");
        std::filesystem::resize_file(path, (std::uintmax_t{64} << 20) + 1);
        auto store = TrustStore::load(f->trustDir());
        auto v = Verifier(*store).verifyFile(path, f->input, pki().now);
        QVERIFY(v.hasValue());
        expectExactly(*v, Reason::Malformed);
        auto missing = Verifier(*store).verifyFile(f->root / "nope.finding.json", f->input, pki().now);
        QVERIFY(!missing.hasValue());
        QCOMPARE(missing.error().code, ErrorCode::Unreadable);
    }

    // ---- bounds on what a signed statement may declare
    // -------------------------------------------------

    void statementBounds_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("words");
        QTest::newRow("65 attachments") << 0
                                        << QStringLiteral("predicate.attachments holds 65 attachments, "
                                                          "more than the 64 accepted");
        QTest::newRow("65 leads in an attachment")
            << 1
            << QStringLiteral("predicate.attachments[0].leads holds 65 entries, more than the 64 accepted");
        QTest::newRow("65 leads in a region")
            << 2 << QStringLiteral("predicate.findings[0].region.leads holds 65 entries, more than the 64");
        QTest::newRow("over 1 GiB declared in all")
            << 3 << QStringLiteral("predicate.attachments declare more than 1 GiB of data together");
        QTest::newRow("a million leads") << 4 << QStringLiteral("holds 1000000 entries");
    }
    void statementBounds() {
        QFETCH(int, kind);
        QFETCH(QString, words);
        auto st = json::parse(payloadOf(f->sign(pki().finding)));
        json::Value* pred = st->find("predicate");
        auto& atts = pred->find("attachments")->asArray(); // one attachment: 2 leads × 100 samples
        auto leads = [](std::size_t n) {
            json::Value a = json::Value::array();
            for (std::size_t i = 0; i < n; ++i) {
                a.push(json::Value::string("L" + std::to_string(i)));
            }
            return a;
        };
        switch (kind) {
        case 0:
            for (int i = 1; i <= 64; ++i) {
                json::Value more = atts[0];
                more.set("name", json::Value::string("extra-" + std::to_string(i) + ".u8"));
                atts.push_back(std::move(more));
            }
            break;
        case 1:
            atts[0].set("leads", leads(65));
            break;
        case 2:
            pred->find("findings")->asArray()[0].find("region")->set("leads", leads(65));
            break;
        case 3:
            // Five attachments of 250 MiB each: every one within its own 256 MiB bound, 1.22 GiB together.
            atts[0].set("leads", leads(1));
            atts[0].set("samples", json::Value::integer(std::int64_t{250} << 20));
            for (int i = 1; i < 5; ++i) {
                json::Value more = atts[0];
                more.set("name", json::Value::string("big-" + std::to_string(i) + ".u8"));
                atts.push_back(std::move(more));
            }
            break;
        case 4:
            atts[0].set("leads", leads(1'000'000));
            break;
        }
        const Verdict v = f->verify(signRaw(pki().finding, json::serialize(*st)));
        expectExactly(v, Reason::Malformed);
        QVERIFY(v.check(CheckId::Chain).ok());
        QVERIFY2(v.check(CheckId::Signature).detail.find(words.toStdString()) != std::string::npos,
                 v.check(CheckId::Signature).detail.c_str());
    }

    void statementBoundsAreInclusive() {
        // 64 attachments, 64 leads in an attachment and in a region, and exactly 1 GiB declared in all are
        // accepted; one byte more is not.
        auto st = json::parse(payloadOf(f->sign(pki().finding)));
        json::Value* pred = st->find("predicate");
        json::Value leads = json::Value::array();
        for (int i = 0; i < 64; ++i) {
            leads.push(json::Value::string("L" + std::to_string(i)));
        }
        pred->find("findings")->asArray()[0].find("region")->set("leads", leads);
        auto& atts = pred->find("attachments")->asArray();
        atts[0].set("leads", leads);
        atts[0].set("samples", json::Value::integer(std::int64_t{4} << 20)); // 64 × 4 Mi = 256 MiB
        json::Value oneLead = atts[0];
        oneLead.set("leads", json::Value::array());
        oneLead.find("leads")->push(json::Value::string("I"));
        for (int i = 1; i < 4; ++i) { // three more of 256 MiB: exactly 1 GiB together
            json::Value more = oneLead;
            more.set("name", json::Value::string("quarter-" + std::to_string(i) + ".u8"));
            more.set("samples", json::Value::integer(std::int64_t{256} << 20));
            atts.push_back(std::move(more));
        }
        auto exact = parseFindingStatement(json::serialize(*st));
        QVERIFY2(exact.hasValue(), exact ? "" : exact.error().c_str());
        std::uint64_t total = 0;
        for (const auto& a : exact->attachments) {
            total += a.expectedBytes();
        }
        QCOMPARE(total, std::uint64_t{1} << 30);
        QCOMPARE(exact->attachments[0].leads.size(), std::size_t{64});
        QCOMPARE(exact->findings[0].region.leads.size(), std::size_t{64});

        json::Value oneByte = oneLead;
        oneByte.set("name", json::Value::string("one-more.u8"));
        oneByte.set("samples", json::Value::integer(1));
        atts.push_back(oneByte);
        auto over = parseFindingStatement(json::serialize(*st));
        QVERIFY(!over.hasValue());
        QVERIFY2(over.error().find("more than 1 GiB") != std::string::npos, over.error().c_str());

        atts.resize(1);
        atts[0].set("samples", json::Value::integer(1));
        for (int i = 1; i < 64; ++i) {
            json::Value more = oneByte;
            more.set("name", json::Value::string("one-" + std::to_string(i) + ".u8"));
            atts.push_back(std::move(more));
        }
        auto many = parseFindingStatement(json::serialize(*st));
        QVERIFY2(many.hasValue(), many ? "" : many.error().c_str());
        QCOMPARE(many->attachments.size(), std::size_t{64});
    }

    void attachmentsAreReadNoFurtherThanDeclared() {
        const std::string bundle = f->sign(pki().finding); // one attachment: 2 leads × 100 samples
        auto store = TrustStore::load(f->trustDir());
        // The reader is asked for the declared size.
        std::vector<std::pair<std::string, std::size_t>> asked;
        const auto folder = attachmentsFromFolder(f->root / "bundles");
        const AttachmentReader recording = [&](const std::string& name, std::size_t maxBytes) {
            asked.emplace_back(name, maxBytes);
            return folder(name, maxBytes);
        };
        const Verdict v = Verifier(*store).verify(bundle, f->input, pki().now, recording);
        QVERIFY2(v.trusted(), reasonsText(v).c_str());
        QCOMPARE(asked.size(), std::size_t{1});
        QCOMPARE(asked[0].first, std::string("f1-relevance.u8"));
        QCOMPARE(asked[0].second, std::size_t{200});
        // A 1 GiB file (sparse) in its place is refused as larger than declared, after reading 201 bytes.
        const auto bigDir = f->root / "big-attachment";
        writeAll(bigDir / "f1-relevance.u8", readAll(f->root / "bundles" / "f1-relevance.u8"));
        std::filesystem::resize_file(bigDir / "f1-relevance.u8", std::uintmax_t{1} << 30);
        const Verdict big =
            Verifier(*store).verify(bundle, f->input, pki().now, attachmentsFromFolder(bigDir));
        expectExactly(big, Reason::AttachmentMismatch);
        QVERIFY2(big.check(CheckId::Attachments)
                         .detail.find("is larger than the 200 bytes its description "
                                      "declares") != std::string::npos,
                 big.check(CheckId::Attachments).detail.c_str());
        auto read = folder("f1-relevance.u8", 199);
        QVERIFY(!read.hasValue());
        QCOMPARE(read.error().code, ErrorCode::TooLarge);
        QCOMPARE(readFileBounded(bigDir / "f1-relevance.u8", 10).error().code, ErrorCode::TooLarge);
        std::filesystem::remove_all(bigDir);
    }

    void trustStoreProblemsAreErrors() {
        const auto dir = f->root / "broken-trust";
        std::filesystem::create_directories(dir / "anchors");
        auto r = TrustStore::load(dir);
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, ErrorCode::Unreadable); // no policy.json
        writeAll(dir / "policy.json",
                 R"({"policyVersion": 1, "revocation": "if-available", "models": [], "extra": 1})");
        r = TrustStore::load(dir);
        QVERIFY(!r.hasValue());
        QVERIFY(r.error().message.find("extra") != std::string::npos);
        writeAll(dir / "policy.json", R"({"policyVersion": 1, "revocation": "sometimes", "models": []})");
        QVERIFY(!TrustStore::load(dir).hasValue());
        writeAll(dir / "policy.json", R"({"policyVersion": 1, "revocation": "require", "models": []})");
        r = TrustStore::load(dir);
        QVERIFY(!r.hasValue()); // no anchors
        writeAll(dir / "anchors" / "leaf.pem", pki().finding.cert.pem());
        r = TrustStore::load(dir);
        QVERIFY(!r.hasValue());
        QVERIFY(r.error().message.find("self-signed") != std::string::npos);
        std::filesystem::remove(dir / "anchors" / "leaf.pem");
        writeAll(dir / "anchors" / "root.pem", pki().root.cert.pem());
        writeAll(dir / "crls" / "bad.pem", "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n");
        QVERIFY(!TrustStore::load(dir).hasValue());
        std::filesystem::remove(dir / "crls" / "bad.pem");
        QVERIFY(TrustStore::load(dir).hasValue());
    }

    void signFindingRefusesInconsistentPredicates() {
        json::Value p = ecgPredicate(f->modelDigest, f->producedAt());
        p.find("input")->set("sopInstanceUID", json::Value::string("1.2.3.4"));
        auto b = signFinding(pki().identity(pki().finding), p, f->input, f->root / "bundles");
        QVERIFY(!b.hasValue());
        QVERIFY(b.error().message.find("sopInstanceUID") != std::string::npos);
        json::Value q = ecgPredicate(f->modelDigest, f->producedAt(), "absent.u8");
        b = signFinding(pki().identity(pki().finding), q, f->input, f->root / "bundles");
        QVERIFY(!b.hasValue());
        QVERIFY(b.error().message.find("absent.u8") != std::string::npos);
        // Filled in: subject, digest method and the attachment's digest.
        auto good = signFinding(pki().identity(pki().finding), ecgPredicate(f->modelDigest, f->producedAt()),
                                f->input, f->root / "bundles");
        QVERIFY(good.hasValue());
        auto st = parseFindingStatement(payloadOf(*good));
        QVERIFY(st.hasValue());
        QCOMPARE(st->subjectName, f->ecg.sop);
        QCOMPARE(st->subjectDigest, f->input.digest);
        QCOMPARE(st->input.digestMethod, DigestMethod::DicomWaveformV2); // the default for DICOM
        QCOMPARE(st->input.attributes.size(), f->input.attributes.size());
        // By v1 when asked: the digest is the samples' own (Qt's SHA-256 of them).
        FindingSignOptions v1;
        v1.method = DigestMethod::DicomWaveformV1;
        auto old = signFinding(pki().identity(pki().finding), ecgPredicate(f->modelDigest, f->producedAt()),
                               f->input, f->root / "bundles", v1);
        QVERIFY(old.hasValue());
        auto oldSt = parseFindingStatement(payloadOf(*old));
        QCOMPARE(oldSt->subjectDigest, f->ecg.expectedDigest);
        QCOMPARE(oldSt->input.digestMethod, DigestMethod::DicomWaveformV1);
        QVERIFY(oldSt->input.attributes.empty());
        // A method that cannot bind this input is refused.
        FindingSignOptions pixels;
        pixels.method = DigestMethod::DicomPixelDataV2;
        QVERIFY(!signFinding(pki().identity(pki().finding), ecgPredicate(f->modelDigest, f->producedAt()),
                             f->input, f->root / "bundles", pixels)
                     .hasValue());
        QCOMPARE(st->input.studyInstanceUID, f->ecg.study);
        QCOMPARE(st->attachments[0].digest, qtSha256(readAll(f->root / "bundles" / "f1-relevance.u8")));
        // A key that is not the leaf's is refused.
        QVERIFY(!SigningIdentity::create(pki().other.key, {pki().finding.cert}).hasValue());
    }
};

QTEST_GUILESS_MAIN(TestFindingVerify)
// NOLINTEND(modernize-raw-string-literal)
#include "tst_finding_verify.moc"
