// R2.3, R2.4 and R2.6 of the finding bundle specification, attack by attack, with a PKI made inside the test:
// who may sign (typed identities, name constraints, CA pins, extended key usage, notAfter inclusive),
// revocation that never fails open (CRLs signed by another key, a CA that changed keys) and RFC 3161
// timestamps (a finding outliving its signer's certificate, and the tokens that must not make it so).
#include "timestamp_forge.h"
#include "verify_fixture.h"

#include <QtTest>

using namespace veridicor;
using namespace veridicor::test;
using namespace veridicor::verify;
using std::chrono::days;
using std::chrono::seconds;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string explain(const Verdict& v) {
    std::string s = reasonsText(v);
    for (const auto& c : v.checks) {
        if (c.status == CheckStatus::Failed) {
            s += " | " + std::string(checkName(c.id)) + ": " + c.detail;
        }
    }
    return s;
}

/// The bundle with `tokens` as its RFC 3161 timestamps (replacing any).
std::string withTimestamps(const std::string& bundle, const std::vector<std::string>& tokens) {
    return editBundle(bundle, [&](json::Value& doc) {
        json::Value list = json::Value::array();
        for (const auto& t : tokens) {
            json::Value one = json::Value::object();
            one.set("signedTimestamp", json::Value::string(base64Encode(t)));
            list.push(std::move(one));
        }
        json::Value data = json::Value::object();
        data.set("rfc3161Timestamps", std::move(list));
        doc.find("verificationMaterial")->set("timestampVerificationData", std::move(data));
    });
}

/// The DSSE signature bytes of a bundle (what a timestamp's imprint covers).
std::string signatureOf(const std::string& bundle) {
    auto doc = json::parse(bundle);
    return *base64Decode(doc->find("dsseEnvelope")->find("signatures")->asArray()[0].find("sig")->asString());
}

} // namespace

class TestRevision2Trust : public QObject {
    Q_OBJECT

    std::unique_ptr<VerifyFixture> f;
    [[nodiscard]] const TestPki& pki() const { return f->pki; }

    Party make(KeyType type, const CertificateSpec& spec, const Party* issuer) const {
        auto key = PrivateKey::generate(type);
        auto cert = issueCertificate(spec, *key, issuer != nullptr ? &issuer->cert : nullptr,
                                     issuer != nullptr ? issuer->key : *key);
        if (!cert) {
            qFatal("issueCertificate: %s", cert.error().message.c_str());
        }
        return Party{*key, *cert};
    }

    [[nodiscard]] CertificateSpec leafSpec(const std::string& cn, std::vector<std::string> dns = {}) const {
        CertificateSpec s;
        s.commonName = cn;
        s.organization = "Veridicor Test";
        s.notBefore = pki().now - days(10);
        s.notAfter = pki().now + days(365);
        s.dnsNames = std::move(dns);
        s.extendedKeyUsage = {"codeSigning"};
        return s;
    }

    [[nodiscard]] CertificateSpec caSpec(const std::string& cn) const {
        CertificateSpec s;
        s.commonName = cn;
        s.organization = "Veridicor Test";
        s.ca = true;
        s.notBefore = pki().now - days(365);
        s.notAfter = pki().now + days(5 * 365);
        return s;
    }

    [[nodiscard]] std::string signWith(const Party& leaf, const std::vector<Certificate>& rest) const {
        std::vector<Certificate> chain{leaf.cert};
        chain.insert(chain.end(), rest.begin(), rest.end());
        auto id = SigningIdentity::create(leaf.key, chain);
        auto b =
            signFinding(*id, ecgPredicate(f->modelDigest, f->producedAt()), f->input, f->root / "bundles");
        return b ? *b : std::string();
    }

    [[nodiscard]] Verdict verifyAt(const std::string& bundle, const std::string& store, TimePoint at) const {
        auto ts = TrustStore::load(f->trustDir(store));
        if (!ts) {
            qWarning("trust store: %s", ts.error().message.c_str());
            return {};
        }
        return Verifier(*ts).verify(bundle, f->input, at, attachmentsFromFolder(f->root / "bundles"));
    }

    [[nodiscard]] VerifyFixture::PolicyOptions v2(std::vector<std::string> findingSigners) const {
        VerifyFixture::PolicyOptions o;
        o.policyVersion = 2;
        o.revocationGiven = false;
        o.withRootCrl = true;
        o.findingSigners = std::move(findingSigners);
        o.modelSigners = {"cn:" + std::string(TestPki::kModelSigner)};
        return o;
    }

private slots:
    void initTestCase() {
        QVERIFY(dicom::initializeDicom().hasValue());
        f = std::make_unique<VerifyFixture>(now());
        QVERIFY(f->setUp());
    }

    // ---- R2.3: typed identities and name constraints ---------------------------------------------------

    void nameConstrainedCaMintsAnotherVendorsName_data() {
        QTest::addColumn<QString>("how");
        QTest::newRow("through a CN beside its SAN") << QStringLiteral("cn-beside-san");
        QTest::newRow("through a URI SAN") << QStringLiteral("uri");
        QTest::newRow("through an e-mail SAN") << QStringLiteral("email");
        QTest::newRow("through a CN that is not a host name") << QStringLiteral("cn-not-hostname");
    }
    void nameConstrainedCaMintsAnotherVendorsName() {
        // Vendor A's CA may issue names under vendor-a.example only (a DNS name constraint on its
        // certificate). It tries to give one of its certificates a name of vendor B's in a form that the
        // constraint does not check; the name must not count, so vendor B's signing rule is not met.
        QFETCH(QString, how);
        CertificateSpec ca = caSpec("Vendor A Constrained CA");
        ca.nameConstraints = {"permitted;DNS:.vendor-a.example"};
        const Party constrained = make(KeyType::EcP256, ca, &pki().root);
        std::string claimed;
        CertificateSpec leaf = leafSpec("inference.vendor-a.example", {"inference.vendor-a.example"});
        if (how == QStringLiteral("cn-beside-san")) {
            claimed = "omi-inference.vendor-b.example";
            leaf.commonName = claimed;
        } else if (how == QStringLiteral("uri")) {
            claimed = "uri:https://vendor-b.example/omi-inference";
            leaf.dnsNames.clear();
            leaf.uris = {"https://vendor-b.example/omi-inference"};
        } else if (how == QStringLiteral("email")) {
            claimed = "email:omi-inference@vendor-b.example";
            leaf.dnsNames.clear();
            leaf.emails = {"omi-inference@vendor-b.example"};
        } else {
            claimed = "Vendor B Inference Service";
            leaf.dnsNames.clear();
            leaf.commonName = claimed;
        }
        const Party signer = make(KeyType::EcP256, leaf, &constrained);
        const std::string bundle = signWith(signer, {constrained.cert});

        // Version 1 names are untyped: a CN or a DNS name. Version 2 names are typed and pinned — here even
        // to the constrained CA itself, so only the name decides.
        VerifyFixture::PolicyOptions v1;
        v1.findingSigners = {
            claimed.substr(claimed.find(':') == std::string::npos ? 0 : claimed.find(':') + 1)};
        QVERIFY(f->writeTrustStore("nc-v1", v1));
        VerifyFixture::PolicyOptions pinned =
            v2({claimed.find(':') == std::string::npos ? "cn:" + claimed : claimed});
        pinned.caPin = "sha256:" + spkiSha256(constrained.cert);
        pinned.modelCaPin = "sha256:" + spkiSha256(pki().inter.cert);
        pinned.withCrl = false;
        pinned.revocationGiven = true;
        pinned.revocation = "if-available";
        QVERIFY(f->writeTrustStore("nc-v2", pinned));
        for (const char* store : {"nc-v1", "nc-v2"}) {
            const Verdict v = verifyAt(bundle, store, pki().now);
            QVERIFY2(reasonsText(v) == "SIGNER_NOT_AUTHORIZED", (store + (": " + explain(v))).c_str());
            QVERIFY(v.check(CheckId::Chain).ok());
            QVERIFY(v.signer->authorizedAs.empty());
            for (const auto& id : v.signer->typedIdentities) {
                QVERIFY2(!contains(id, "vendor-b") && !contains(id, "Vendor B"), id.c_str());
            }
        }
        // The constrained CA's own names still count (the constraint covers them).
        const Party own =
            make(KeyType::EcP256, leafSpec("omi.vendor-a.example", {"omi.vendor-a.example"}), &constrained);
        VerifyFixture::PolicyOptions ownPolicy = pinned;
        ownPolicy.findingSigners = {"dns:omi.vendor-a.example"};
        QVERIFY(f->writeTrustStore("nc-own", ownPolicy));
        const Verdict ok = verifyAt(signWith(own, {constrained.cert}), "nc-own", pki().now);
        QVERIFY2(ok.trusted(), explain(ok).c_str());
        QCOMPARE(ok.signer->authorizedAs, std::string("dns:omi.vendor-a.example"));
    }

    void nameConstrainedCaCannotIssueAnotherVendorsDnsName() {
        // The plain attempt, a DNS name outside the constraint: the chain itself fails (OpenSSL's check).
        CertificateSpec ca = caSpec("Vendor A Constrained CA 2");
        ca.nameConstraints = {"permitted;DNS:.vendor-a.example"};
        const Party constrained = make(KeyType::EcP256, ca, &pki().root);
        const Party signer =
            make(KeyType::EcP256, leafSpec("omi.vendor-b.example", {"omi.vendor-b.example"}), &constrained);
        QVERIFY(f->writeTrustStore("nc-dns", VerifyFixture::PolicyOptions{}));
        const Verdict v = verifyAt(signWith(signer, {constrained.cert}), "nc-dns", pki().now);
        QVERIFY2(v.has(Reason::UntrustedChain), explain(v).c_str());
        QVERIFY(!v.trusted());
    }

    void version1PoliciesNeverMatchUriOrEmailNames() {
        // Unconstrained, but a version 1 name is a DNS name or a CN: a URI or e-mail SAN spelling the same
        // string does not match it.
        CertificateSpec s = leafSpec("x");
        s.commonName.clear();
        s.emails = {"omi-inference.vendor-a.example"};
        const Party signer = make(KeyType::EcP256, s, &pki().inter);
        QVERIFY(f->writeTrustStore("v1-email", VerifyFixture::PolicyOptions{}));
        const Verdict v = verifyAt(signWith(signer, {pki().inter.cert}), "v1-email", pki().now);
        QCOMPARE(reasonsText(v), std::string("SIGNER_NOT_AUTHORIZED"));
        QCOMPARE(v.signer->typedIdentities, std::vector<std::string>{"email:omi-inference.vendor-a.example"});
    }

    void secondAnchorIssuesTheVendorsName() {
        // The hospital's own root is an anchor too (for its other services). Its CA issues a certificate
        // with the vendor's exact name. Version 1 could not tell; version 2 pins the vendor's name to the
        // vendor's CA, so the impostor is not authorized.
        const Party hospitalRoot = make(KeyType::EcP256, caSpec("Hospital Root CA"), nullptr);
        const Party impostor = make(
            KeyType::EcP256, leafSpec(TestPki::kFindingSigner, {TestPki::kFindingSigner}), &hospitalRoot);
        const std::string bundle = signWith(impostor, {});

        VerifyFixture::PolicyOptions v1;
        v1.extraAnchorsPem = {hospitalRoot.cert.pem()};
        QVERIFY(f->writeTrustStore("two-anchors-v1", v1));
        QVERIFY2(verifyAt(bundle, "two-anchors-v1", pki().now).trusted(),
                 "under version 1 any anchor vouches for any name: that is the weakness version 2 closes");

        VerifyFixture::PolicyOptions pinned = v2({"dns:" + std::string(TestPki::kFindingSigner)});
        pinned.extraAnchorsPem = {hospitalRoot.cert.pem()};
        pinned.extraCrlsPem = {
            *makeCrlPem(hospitalRoot.cert, hospitalRoot.key, {}, pki().now - days(1), pki().now + days(30))};
        QVERIFY(f->writeTrustStore("two-anchors-v2", pinned));
        const Verdict v = verifyAt(bundle, "two-anchors-v2", pki().now);
        QVERIFY2(reasonsText(v) == "SIGNER_NOT_AUTHORIZED", explain(v).c_str());
        QVERIFY2(contains(v.check(CheckId::Model).detail, "is allowed only under the CA sha256:"),
                 v.check(CheckId::Model).detail.c_str());
        // The vendor's own signer, under the same policy: trusted, and the panel names the identity that
        // was authorized.
        const Verdict real = verifyAt(f->sign(pki().finding), "two-anchors-v2", pki().now);
        QVERIFY2(real.trusted(), explain(real).c_str());
        QCOMPARE(real.signer->authorizedAs, "dns:" + std::string(TestPki::kFindingSigner));
    }

    void aModelSignedUnderAnotherCaIsNotProvenance() {
        // The same pinning for model signers: a model signature by the right name under another anchor is
        // not provenance (MODEL_PROVENANCE_INVALID).
        const Party hospitalRoot = make(KeyType::EcP256, caSpec("Hospital Root CA 2"), nullptr);
        const Party impostor = make(KeyType::EcP256, leafSpec(TestPki::kModelSigner), &hospitalRoot);
        auto model = signModel(f->modelDir, *SigningIdentity::create(impostor.key, {impostor.cert}),
                               ModelSignOptions{});
        QVERIFY(model.hasValue());
        VerifyFixture::PolicyOptions pinned = v2({"dns:" + std::string(TestPki::kFindingSigner)});
        pinned.extraAnchorsPem = {hospitalRoot.cert.pem()};
        pinned.extraCrlsPem = {
            *makeCrlPem(hospitalRoot.cert, hospitalRoot.key, {}, pki().now - days(1), pki().now + days(30))};
        pinned.modelBundleOverride = *model;
        QVERIFY(f->writeTrustStore("model-other-ca", pinned));
        const Verdict v = verifyAt(f->sign(pki().finding), "model-other-ca", pki().now);
        QVERIFY2(reasonsText(v) == "MODEL_PROVENANCE_INVALID", explain(v).c_str());
    }

    void tlsServerCertificateCannotSign() {
        CertificateSpec s = leafSpec(TestPki::kFindingSigner, {TestPki::kFindingSigner});
        s.extendedKeyUsage = {"serverAuth"};
        const Party tls = make(KeyType::EcP256, s, &pki().inter);
        QVERIFY(f->writeTrustStore("tls-v1", VerifyFixture::PolicyOptions{}));
        const Verdict v = verifyAt(signWith(tls, {pki().inter.cert}), "tls-v1", pki().now);
        QVERIFY2(reasonsText(v) == "UNTRUSTED_CHAIN", explain(v).c_str());
        QVERIFY(contains(v.check(CheckId::Chain).detail, "does not include code signing"));
    }

    void version2RequiresAnExtendedKeyUsage() {
        CertificateSpec s = leafSpec(TestPki::kFindingSigner, {TestPki::kFindingSigner});
        s.extendedKeyUsage.clear();
        const Party bare = make(KeyType::EcP256, s, &pki().inter);
        const std::string bundle = signWith(bare, {pki().inter.cert});
        QVERIFY(f->writeTrustStore("eku-v1", VerifyFixture::PolicyOptions{}));
        QVERIFY(verifyAt(bundle, "eku-v1", pki().now).trusted()); // version 1: the extension is optional
        QVERIFY(f->writeTrustStore("eku-v2", v2({"dns:" + std::string(TestPki::kFindingSigner)})));
        const Verdict v = verifyAt(bundle, "eku-v2", pki().now);
        QVERIFY2(reasonsText(v) == "UNTRUSTED_CHAIN", explain(v).c_str());
        QVERIFY(contains(v.check(CheckId::Chain).detail, "has no extended key usage"));
    }

    void notAfterIsInclusive() {
        // RFC 5280: valid through notAfter, that second included — for the chain, producedAt and the model's
        // provenance alike (whose cached verdict must end with its certificate, not a second later).
        const TimePoint end = std::chrono::floor<seconds>(pki().now + days(20));
        CertificateSpec s = leafSpec(TestPki::kFindingSigner, {TestPki::kFindingSigner});
        s.notAfter = end;
        const Party signer = make(KeyType::EcP256, s, &pki().inter);
        CertificateSpec m = leafSpec(TestPki::kModelSigner);
        m.notAfter = end;
        const Party modelSigner = make(KeyType::EcP256, m, &pki().inter);
        auto model = signModel(
            f->modelDir, *SigningIdentity::create(modelSigner.key, {modelSigner.cert, pki().inter.cert}),
            ModelSignOptions{});
        VerifyFixture::PolicyOptions o;
        o.modelBundleOverride = *model;
        QVERIFY(f->writeTrustStore("not-after", o));
        json::Value pred = ecgPredicate(f->modelDigest, formatRfc3339(end)); // produced in its last second
        auto id = SigningIdentity::create(signer.key, {signer.cert, pki().inter.cert});
        const std::string bundle = *signFinding(*id, pred, f->input, f->root / "bundles");
        auto ts = TrustStore::load(f->trustDir("not-after"));
        const Verifier verifier(*ts); // one verifier: its provenance cache is in play
        const auto check = [&](TimePoint at) {
            return verifier.verify(bundle, f->input, at, attachmentsFromFolder(f->root / "bundles"));
        };
        const Verdict last = check(end);
        QVERIFY2(last.trusted(), explain(last).c_str());
        const Verdict lastHalf = check(end + std::chrono::milliseconds(500));
        QVERIFY2(lastHalf.trusted(), explain(lastHalf).c_str());
        const Verdict after = check(end + seconds(1));
        QVERIFY2(reasonsText(after) == "CERT_EXPIRED", explain(after).c_str());
        // The model's provenance, seen through a finding by a signer that is still valid: it holds through
        // the model signer's last second (served from the cache the second time) and not a second longer.
        const std::string other = f->sign(pki().finding);
        QVERIFY(verifier.verify(other, f->input, end - seconds(5), attachmentsFromFolder(f->root / "bundles"))
                    .trusted());
        QVERIFY(verifier.verify(other, f->input, end, attachmentsFromFolder(f->root / "bundles")).trusted());
        const Verdict provenanceAfter =
            verifier.verify(other, f->input, end + seconds(1), attachmentsFromFolder(f->root / "bundles"));
        QVERIFY2(reasonsText(provenanceAfter) == "MODEL_PROVENANCE_INVALID",
                 explain(provenanceAfter).c_str());
    }

    // ---- R2.4: revocation never fails open ---------------------------------------------------------------

    void crlSignedByAnotherKeyWithThatKeysAkid() {
        // A CRL under the signing CA's name, signed by another key and naming that key in its authority key
        // identifier. OpenSSL's lookup would set it aside as out of scope — and, under if-available, check
        // nothing. It is never ignored: the status is unknown, so CERT_REVOKED.
        const Party forger = make(KeyType::EcP256, caSpec("Test Signing CA"), nullptr); // same name, own key
        auto forged = makeCrlPem(forger.cert, forger.key, {}, pki().now - days(1), pki().now + days(30));
        QVERIFY(forged.hasValue());
        VerifyFixture::PolicyOptions o;
        o.extraCrlsPem = {*forged};
        QVERIFY(f->writeTrustStore("forged-crl", o));
        const Verdict v = verifyAt(f->sign(pki().finding), "forged-crl", pki().now);
        QVERIFY2(reasonsText(v) == "CERT_REVOKED", explain(v).c_str());
        QVERIFY2(
            contains(
                v.check(CheckId::Chain).detail,
                "revocation status unknown (a CRL in the trust store names its issuer but does not verify "
                "with that CA's key"),
            v.check(CheckId::Chain).detail.c_str());
        // Alone (without the CA's real CRL) just the same.
        o.withCrl = false;
        QVERIFY(f->writeTrustStore("forged-crl-alone", o));
        QCOMPARE(reasonsText(verifyAt(f->sign(pki().finding), "forged-crl-alone", pki().now)),
                 std::string("CERT_REVOKED"));
    }

    void reKeyedCaKeepsRevoking() {
        // The signing CA changed keys: its new certificate (same name, new key, under the same root) signs
        // the CRLs from now on, and the new CRL lists a certificate issued under the old key. It is revoked.
        Party rekeyed = make(KeyType::EcP256, caSpec("Test Signing CA"), &pki().root);
        auto crl =
            makeCrlPem(rekeyed.cert, rekeyed.key, {Revocation{pki().finding.cert, pki().now - days(1), 4}},
                       pki().now - days(1), pki().now + days(30));
        QVERIFY(crl.hasValue());
        VerifyFixture::PolicyOptions o;
        o.withCrl = false;
        o.extraCrlsPem = {*crl};
        o.casPem = {rekeyed.cert.pem()};
        QVERIFY(f->writeTrustStore("rekeyed", o));
        const Verdict v = verifyAt(f->sign(pki().finding), "rekeyed", pki().now);
        QVERIFY2(reasonsText(v) == "CERT_REVOKED", explain(v).c_str());
        QVERIFY(contains(v.check(CheckId::Chain).detail, "certificate revoked"));
        // A certificate the new list does not name stays good: the new key's CRL is a real one for this CA.
        const Verdict other = verifyAt(f->sign(pki().other), "rekeyed", pki().now);
        QVERIFY2(other.check(CheckId::Chain).ok(), explain(other).c_str());
        // Without the new certificate in cas/ the list cannot be verified: status unknown, never "good".
        o.casPem.clear();
        QVERIFY(f->writeTrustStore("rekeyed-unknown-key", o));
        const Verdict u = verifyAt(f->sign(pki().other), "rekeyed-unknown-key", pki().now);
        QVERIFY2(reasonsText(u).find("CERT_REVOKED") != std::string::npos, explain(u).c_str());
        QVERIFY(contains(u.check(CheckId::Chain).detail, "revocation status unknown"));
        // A "re-keyed" certificate that no anchor vouches for does not count either.
        const Party selfMade = make(KeyType::EcP256, caSpec("Test Signing CA"), nullptr);
        auto fake = makeCrlPem(selfMade.cert, selfMade.key, {}, pki().now - days(1), pki().now + days(30));
        o.extraCrlsPem = {*fake};
        o.withCrl = true;
        o.casPem = {selfMade.cert.pem()};
        QVERIFY(f->writeTrustStore("rekeyed-self-made", o));
        QCOMPARE(reasonsText(verifyAt(f->sign(pki().finding), "rekeyed-self-made", pki().now)),
                 std::string("CERT_REVOKED"));
    }

    // ---- R2.6: timestamps ------------------------------------------------------------------------------

    /// A TSA that outlives the test's verification times.
    [[nodiscard]] Party longLivedTsa() const {
        CertificateSpec s = leafSpec("Long-lived Test TSA");
        s.extendedKeyUsage = {"timeStamping"};
        s.extendedKeyUsageCritical = true;
        s.notAfter = pki().now + days(8 * 365);
        return make(KeyType::EcP256, s, &pki().tsaRoot);
    }

    /// A trust store for checking at `at`: the TSA root in tsa/, CRLs the CAs issued just before `at` (a
    /// site keeps its CRLs current) listing `revoked`, and the model's signature timestamped too (its
    /// signer's certificate expires within a year as well).
    void writeStoreFor(const std::string& name, TimePoint at, const std::vector<Revocation>& revoked = {}) {
        VerifyFixture::PolicyOptions o;
        ModelSignOptions mo;
        const Party tsa = longLivedTsa();
        mo.timestamp = TimestampAuthority{tsa.key, {tsa.cert}};
        auto model = signModel(f->modelDir, pki().identity(pki().modelSigner), mo);
        QVERIFY(model.hasValue());
        o.modelBundleOverride = *model;
        o.withCrl = false;
        o.extraCrlsPem = {
            *makeCrlPem(pki().inter.cert, pki().inter.key, revoked, at - days(1), at + days(7))};
        QVERIFY(f->writeTrustStore(name, o));
        writeAll(f->trustDir(name) / "tsa" / "root.pem", pki().tsaRoot.cert.pem());
    }

    [[nodiscard]] std::string stamped(const Party& tsa, TimePoint genTime, const std::string& bundle) const {
        auto token = makeTimestampToken(tsa.cert, tsa.key, {}, signatureOf(bundle), genTime);
        return token ? withTimestamps(bundle, {*token}) : std::string();
    }

    void timestampedFindingOutlivesItsSigner() {
        // Signed and timestamped today; checked two years later, when the signer's certificate (one year)
        // has expired: trusted, with signedAt, the chain judged at the timestamp's time.
        const Party tsa = longLivedTsa();
        const TimePoint genTime = std::chrono::floor<seconds>(pki().now);
        const TimePoint later = pki().now + days(2 * 365);
        const std::string plain = f->sign(pki().finding);
        const std::string bundle = stamped(tsa, genTime, plain);
        QVERIFY(!bundle.empty());
        writeStoreFor("ts-later", later);
        const Verdict v = verifyAt(bundle, "ts-later", later);
        QVERIFY2(v.trusted(), explain(v).c_str());
        QVERIFY(v.signedAt.has_value());
        QCOMPARE(*v.signedAt, genTime);
        QVERIFY(contains(v.check(CheckId::Chain).detail, "(when its signature was timestamped)"));
        auto json = json::parse(verdictToJson(v));
        QCOMPARE(json->find("signedAt")->asString(), formatRfc3339(genTime));
        // The same finding without its timestamp: expired.
        QCOMPARE(reasonsText(verifyAt(plain, "ts-later", later)), std::string("CERT_EXPIRED"));
        // And the demo's own failure mode, a finding checked today with a timestamp: trusted as before.
        writeStoreFor("ts-now", pki().now);
        QVERIFY(verifyAt(bundle, "ts-now", pki().now).trusted());
    }

    void timestampFromAnUntrustedTsa() {
        const TimePoint genTime = std::chrono::floor<seconds>(pki().now);
        const std::string bundle = stamped(pki().unknownTsa, genTime, f->sign(pki().finding));
        writeStoreFor("ts-untrusted", pki().now);
        const Verdict v = verifyAt(bundle, "ts-untrusted", pki().now);
        QVERIFY2(reasonsText(v) == "BAD_SIGNATURE", explain(v).c_str());
        QVERIFY(contains(v.check(CheckId::Signature).detail, "The timestamp does not verify"));
        QVERIFY(!v.signedAt.has_value());
        QVERIFY(!v.authenticated);
    }

    void timestampOverOtherBytesIsRefused() {
        const std::string plain = f->sign(pki().finding);
        const std::string token =
            timestampOverOtherBytes(pki().tsa.cert, pki().tsa.key, "another signature", pki().now);
        QVERIFY(!token.empty());
        writeStoreFor("ts-other", pki().now);
        const Verdict v = verifyAt(withTimestamps(plain, {token}), "ts-other", pki().now);
        QVERIFY2(reasonsText(v) == "BAD_SIGNATURE", explain(v).c_str());
        QVERIFY(contains(v.check(CheckId::Signature).detail, "The timestamp does not verify"));
    }

    void timestampByACertificateWithoutTimeStampingEku() {
        const std::string plain = f->sign(pki().finding);
        ForgedTimestamp forged;
        forged.signer = pki().tsaNoEku.cert;
        forged.key = pki().tsaNoEku.key;
        forged.imprintOver = signatureOf(plain);
        forged.genTime = std::chrono::floor<seconds>(pki().now);
        const std::string token = forgeTimestampToken(forged);
        QVERIFY(!token.empty());
        writeStoreFor("ts-no-eku", pki().now);
        const Verdict v = verifyAt(withTimestamps(plain, {token}), "ts-no-eku", pki().now);
        QVERIFY2(reasonsText(v) == "BAD_SIGNATURE", explain(v).c_str());
        QVERIFY2(contains(v.check(CheckId::Signature).detail, "timeStamping"),
                 v.check(CheckId::Signature).detail.c_str());
    }

    void signerRevokedBeforeGenTimeStaysRevoked() {
        // Revoked yesterday (superseded), signed and timestamped today: the timestamp proves nothing in its
        // favour.
        const Party tsa = longLivedTsa();
        const TimePoint genTime = std::chrono::floor<seconds>(pki().now);
        const std::string bundle = stamped(tsa, genTime, f->sign(pki().finding));
        const TimePoint later = pki().now + days(30);
        writeStoreFor("ts-revoked-before", later, {Revocation{pki().finding.cert, genTime - days(1), 4}});
        const Verdict v = verifyAt(bundle, "ts-revoked-before", later);
        QVERIFY2(reasonsText(v) == "CERT_REVOKED", explain(v).c_str());
        QVERIFY(contains(v.check(CheckId::Chain).detail, "before its signature was timestamped"));
    }

    void signerRevokedAfterGenTime() {
        const Party tsa = longLivedTsa();
        const TimePoint genTime = std::chrono::floor<seconds>(pki().now);
        const std::string bundle = stamped(tsa, genTime, f->sign(pki().finding));
        const TimePoint later = pki().now + days(30);
        // Superseded after the finding was timestamped: it keeps vouching for that signature, and says so.
        writeStoreFor("ts-revoked-after", later, {Revocation{pki().finding.cert, genTime + days(3), 4}});
        const Verdict v = verifyAt(bundle, "ts-revoked-after", later);
        QVERIFY2(v.trusted(), explain(v).c_str());
        QVERIFY(
            contains(v.check(CheckId::Chain).detail, "the revocation does not reach back to this signature"));
        // Revoked for key compromise: a compromised key's signatures are not believed, timestamp or not.
        writeStoreFor("ts-compromised", later, {Revocation{pki().finding.cert, genTime + days(3), 1}});
        const Verdict c = verifyAt(bundle, "ts-compromised", later);
        QVERIFY2(reasonsText(c) == "CERT_REVOKED", explain(c).c_str());
        QVERIFY(contains(c.check(CheckId::Chain).detail, "key compromise"));
        // Without a timestamp a revocation is a revocation, whatever its date.
        const std::string plain = f->sign(pki().finding);
        QCOMPARE(reasonsText(verifyAt(plain, "ts-revoked-after", later)), std::string("CERT_REVOKED"));
    }

    void producedAtMustPrecedeTheTimestamp() {
        const Party tsa = longLivedTsa();
        json::Value pred =
            ecgPredicate(f->modelDigest, formatRfc3339(std::chrono::floor<seconds>(pki().now + days(1))));
        const std::string plain = f->sign(pki().finding, pred);
        const std::string bundle = stamped(tsa, std::chrono::floor<seconds>(pki().now), plain);
        writeStoreFor("ts-produced", pki().now + days(2));
        const Verdict v = verifyAt(bundle, "ts-produced", pki().now + days(2));
        QVERIFY2(reasonsText(v) == "TIME_INVALID", explain(v).c_str());
        QVERIFY(contains(v.check(CheckId::Attachments).detail, "later than its signature was timestamped"));
    }

    void signFindingAddsATimestampThatVerifies() {
        const Party tsa = longLivedTsa();
        FindingSignOptions o;
        o.timestamp = TimestampAuthority{tsa.key, {tsa.cert, pki().tsaRoot.cert}};
        auto b = signFinding(pki().identity(pki().finding), ecgPredicate(f->modelDigest, f->producedAt()),
                             f->input, f->root / "bundles", o);
        QVERIFY(b.hasValue());
        const TimePoint later = pki().now + days(2 * 365);
        writeStoreFor("ts-signer", later);
        const Verdict v = verifyAt(*b, "ts-signer", later);
        QVERIFY2(v.trusted(), explain(v).c_str());
        QVERIFY(v.signedAt.has_value());
    }
};

QTEST_GUILESS_MAIN(TestRevision2Trust)
#include "tst_revision2_trust.moc"
