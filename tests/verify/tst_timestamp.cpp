// RFC 3161 timestamps (finding-bundle R2.6): tokens we make with OpenSSL's responder verify, and every way of
// getting a token wrong is refused with its own plain-language detail. Cross-checked in both directions with
// the `openssl ts` command-line tool.
#include "timestamp_forge.h"
#include "verify_fixture.h"

#include "../../verify/src/timestamp.h"

#include <openssl/err.h>

#include <QProcess>
#include <QStandardPaths>
#include <QtTest>

#include <optional>
#include <random>

using namespace veridicor;
using namespace veridicor::test;
using verify::detail::parseGeneralizedTime;
using verify::detail::TimestampVerification;
using verify::detail::verifyTimestampToken;

class TestTimestamp : public QObject {
    Q_OBJECT

    std::optional<TestPki> m_pki;
    QTemporaryDir m_tmp;
    std::string m_signature; ///< stands for the DSSE signature bytes
    TimePoint m_genTime{};   ///< an hour ago, with a fraction of a second
    std::string m_token;     ///< a good token over m_signature by pki().tsa at m_genTime

    [[nodiscard]] const TestPki& pki() const { return *m_pki; }
    [[nodiscard]] std::vector<Certificate> anchors() const { return {pki().tsaRoot.cert}; }

    [[nodiscard]] TimestampVerification verifyAt(const std::string& token, TimePoint at) const {
        return verifyTimestampToken(token, m_signature, anchors(), at);
    }
    [[nodiscard]] TimestampVerification verifyNow(const std::string& token) const {
        return verifyAt(token, pki().now);
    }

    [[nodiscard]] std::string makeToken(const Party& tsa, TimePoint genTime, std::uint64_t serial = 0,
                                        const std::vector<Certificate>& extra = {}) const {
        auto token = makeTimestampToken(tsa.cert, tsa.key, extra, m_signature, genTime, serial);
        if (!token) {
            qWarning("makeTimestampToken: %s", token.error().message.c_str());
            return {};
        }
        return *token;
    }

    [[nodiscard]] ForgedTimestamp forged(const Party& signer) const {
        ForgedTimestamp f;
        f.signer = signer.cert;
        f.key = signer.key;
        f.imprintOver = m_signature;
        f.genTime = m_genTime;
        f.serial = 99;
        return f;
    }

    /// Refused, with a detail that contains `words`.
    static void expectRefused(const TimestampVerification& v, const std::string& words) {
        if (v.ok || v.detail.find(words) == std::string::npos) {
            qWarning("detail: %s", v.detail.c_str());
        }
        QVERIFY2(!v.ok, "a bad timestamp verified");
        QVERIFY2(v.detail.find(words) != std::string::npos, v.detail.c_str());
        QCOMPARE(v.genTime, TimePoint{});
        QVERIFY(v.tsaName.empty());
        QVERIFY(v.serialHex.empty());
    }

    [[nodiscard]] std::string path(const std::string& name) const {
        return m_tmp.path().toStdString() + "/" + name;
    }

    struct Run {
        int exitCode = -1;
        std::string output;
        [[nodiscard]] bool verified() const {
            return exitCode == 0 && output.find("Verification: OK") != std::string::npos;
        }
    };
    static bool haveOpenssl() { return !QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty(); }
    static Run openssl(const std::vector<std::string>& args) {
        QStringList list;
        for (const auto& a : args) {
            list << QString::fromStdString(a);
        }
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral("openssl"), list);
        Run r;
        if (p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit) {
            r.exitCode = p.exitCode();
        }
        r.output = p.readAll().toStdString();
        return r;
    }
    /// `openssl ts -verify` of `token` over m_signature, with the TSA root as the only CA.
    [[nodiscard]] Run opensslVerify(const std::string& token, const Party& tsa) const {
        writeAll(path("cli-token.der"), token);
        writeAll(path("cli-tsa-root.pem"), pki().tsaRoot.cert.pem());
        writeAll(path("cli-tsa.pem"), tsa.cert.pem());
        return openssl({"ts", "-verify", "-digest", qtSha256(m_signature), "-token_in", "-in",
                        path("cli-token.der"), "-CAfile", path("cli-tsa-root.pem"), "-untrusted",
                        path("cli-tsa.pem")});
    }

private slots:
    void initTestCase() {
        m_pki = TestPki::make(verify::now());
        QVERIFY(m_pki.has_value());
        QVERIFY(m_tmp.isValid());
        // NOLINTNEXTLINE(cert-msc32-c,cert-msc51-cpp): a fixed seed, so every run tests the same data.
        std::mt19937 rng(3161);
        for (int i = 0; i < 71; ++i) {
            m_signature.push_back(static_cast<char>(rng() & 0xFFU));
        }
        m_genTime = std::chrono::floor<std::chrono::seconds>(pki().now - std::chrono::hours(1)) +
                    std::chrono::microseconds(250500);
        m_token = makeToken(pki().tsa, m_genTime, 0x1234ABCD);
        QVERIFY(!m_token.empty());
    }

    // ---- the good path

    void goodTokenVerifiesWithItsGenTime() {
        const auto v = verifyNow(m_token);
        QVERIFY2(v.ok, v.detail.c_str());
        QCOMPARE(verify::formatRfc3339(v.genTime), verify::formatRfc3339(m_genTime)); // .2505 kept
        QCOMPARE(v.genTime, m_genTime);
        QCOMPARE(v.tsaName, std::string(TestPki::kTsaName));
        QCOMPARE(v.tsaCertSha256, qtSha256(pki().tsa.cert.der()));
        QCOMPARE(v.serialHex, std::string("1234ABCD"));
        QVERIFY2(v.detail.find("'Veridicor Test TSA'") != std::string::npos, v.detail.c_str());
        QVERIFY2(v.detail.find(verify::formatRfc3339(m_genTime)) != std::string::npos, v.detail.c_str());
    }

    void goodTokenInWholeSecondsAndRandomSerial() {
        const TimePoint t = std::chrono::floor<std::chrono::seconds>(pki().now - std::chrono::minutes(3));
        const std::string a = makeToken(pki().tsa, t);
        const std::string b = makeToken(pki().tsa, t);
        const auto va = verifyNow(a);
        const auto vb = verifyNow(b);
        QVERIFY2(va.ok && vb.ok, (va.detail + " / " + vb.detail).c_str());
        QCOMPARE(va.genTime, t);
        QVERIFY(!va.serialHex.empty());
        QVERIFY2(va.serialHex != vb.serialHex, "serial 0 must give random serials");
    }

    void tsaIntermediateCarriedInTheToken() {
        auto interKey = PrivateKey::generate(KeyType::EcP256);
        auto leafKey = PrivateKey::generate(KeyType::EcP256);
        QVERIFY(interKey && leafKey);
        CertificateSpec interSpec;
        interSpec.commonName = "Test TSA Issuing CA";
        interSpec.ca = true;
        interSpec.notBefore = pki().now - days(30);
        interSpec.notAfter = pki().now + days(3650);
        auto inter = issueCertificate(interSpec, *interKey, &pki().tsaRoot.cert, pki().tsaRoot.key);
        QVERIFY(inter);
        CertificateSpec leafSpec = interSpec;
        leafSpec.commonName = "Test TSA 2";
        leafSpec.ca = false;
        leafSpec.extendedKeyUsage = {"timeStamping"};
        leafSpec.extendedKeyUsageCritical = true;
        auto leaf = issueCertificate(leafSpec, *leafKey, &*inter, *interKey);
        QVERIFY(leaf);
        const Party tsa2{*leafKey, *leaf};
        const auto v = verifyNow(makeToken(tsa2, m_genTime, 5, {*inter}));
        QVERIFY2(v.ok, v.detail.c_str());
        QCOMPARE(v.tsaName, std::string("Test TSA 2"));
        // Without the intermediate the TSA certificate does not lead to the trust store's root.
        expectRefused(verifyNow(makeToken(tsa2, m_genTime, 5)), "not made by a TSA of the trust store");
    }

    /// The hand-built token of timestamp_forge.h is a real token when its signer is a real TSA: the refusals
    /// below of forged tokens are then about the one thing that was changed.
    void forgedTokenFromAProperTsaVerifies() {
        const auto v = verifyNow(forgeTimestampToken(forged(pki().tsa)));
        QVERIFY2(v.ok, v.detail.c_str());
        QCOMPARE(v.genTime, m_genTime);
        QCOMPARE(v.serialHex, std::string("63"));
    }

    // ---- attacks and damage, each with its own detail

    void tokenFromAnUntrustedTsa() {
        const std::string token = makeToken(pki().unknownTsa, m_genTime);
        auto v = verifyNow(token);
        expectRefused(v, "the timestamp was not made by a TSA of the trust store (tsa/*.pem)");
        QCOMPARE(v.tsaCertSha256, qtSha256(pki().unknownTsa.cert.der()));
        QVERIFY2(v.detail.find("Unknown TSA") == std::string::npos, "an unvouched name was repeated");
        // Its root in the token changes nothing: only the trust store's anchors are trusted.
        expectRefused(verifyNow(makeToken(pki().unknownTsa, m_genTime, 0, {pki().unknownTsaRoot.cert})),
                      "not made by a TSA of the trust store");
        // And the system's trust (or any other store) is never consulted: the finding root is no TSA root.
        expectRefused(verifyTimestampToken(m_token, m_signature, {pki().root.cert}, pki().now),
                      "not made by a TSA of the trust store");
    }

    void tokenOverOtherBytes() {
        std::string other = m_signature;
        other[10] = static_cast<char>(other[10] ^ 0x01);
        expectRefused(verifyNow(timestampOverOtherBytes(pki().tsa.cert, pki().tsa.key, other, m_genTime)),
                      "the timestamp is over other bytes than this bundle's signature");
        // A good token presented with another signature is the same thing.
        expectRefused(verifyTimestampToken(m_token, other, anchors(), pki().now),
                      "over other bytes than this bundle's signature");
    }

    void tsaCertificateWithoutTimeStampingEku() {
        // OpenSSL's responder will not sign with such a certificate (as it should); a forger does.
        QVERIFY(!makeTimestampToken(pki().tsaNoEku.cert, pki().tsaNoEku.key, {}, m_signature, m_genTime));
        const std::string token = forgeTimestampToken(forged(pki().tsaNoEku));
        QVERIFY(!token.empty());
        expectRefused(verifyNow(token),
                      "the TSA certificate may not sign timestamps (no timeStamping extended key usage)");
        // A certificate with other EKUs but not timeStamping.
        auto key = PrivateKey::generate(KeyType::EcP256);
        CertificateSpec s;
        s.commonName = "Code Signer";
        s.notBefore = pki().now - days(1);
        s.notAfter = pki().now + days(30);
        s.extendedKeyUsage = {"codeSigning"};
        s.extendedKeyUsageCritical = true;
        auto cert = issueCertificate(s, *key, &pki().tsaRoot.cert, pki().tsaRoot.key);
        QVERIFY(key && cert);
        expectRefused(verifyNow(forgeTimestampToken(forged(Party{*key, *cert}))),
                      "no timeStamping extended key usage");
    }

    void tsaCertificateWithNonCriticalOrSharedEku() {
        auto key = PrivateKey::generate(KeyType::EcP256);
        QVERIFY(key);
        for (const bool shared : {false, true}) {
            CertificateSpec s;
            s.commonName = "Sloppy TSA";
            s.notBefore = pki().now - days(1);
            s.notAfter = pki().now + days(30);
            s.extendedKeyUsage = shared ? std::vector<std::string>{"timeStamping", "codeSigning"}
                                        : std::vector<std::string>{"timeStamping"};
            s.extendedKeyUsageCritical = shared;
            auto cert = issueCertificate(s, *key, &pki().tsaRoot.cert, pki().tsaRoot.key);
            QVERIFY(cert);
            expectRefused(verifyNow(forgeTimestampToken(forged(Party{*key, *cert}))),
                          "must be timeStamping alone, marked critical");
        }
    }

    void damagedTokenFlippedByte() {
        const auto good = verifyNow(m_token);
        QVERIFY(good.ok);
        // The signature value is the token's last bytes.
        std::string last = m_token;
        last.back() = static_cast<char>(last.back() ^ 0x01);
        expectRefused(verifyNow(last), "the timestamp's signature does not verify");
        // The genTime digits inside the signed TSTInfo.
        const auto at = m_token.find(generalizedTime(m_genTime)); // "YYYYMMDDHHMMSS.2505Z"
        QVERIFY(at != std::string::npos);
        std::string later = m_token;
        later[at + 13] = static_cast<char>(later[at + 13] == '9' ? '8' : later[at + 13] + 1); // seconds
        expectRefused(verifyNow(later), "the timestamp's signature does not verify");
        // Every single-bit flip anywhere: refused, or (in the few fields no signature covers and OpenSSL does
        // not read: the SignedData and SignerInfo versions, the NULL parameters of their digest algorithms,
        // the SignerInfo's signatureAlgorithm OID, about 12 of ~1000 bytes) the very same verified time,
        // serial and TSA.
        int refused = 0;
        for (std::size_t i = 0; i < m_token.size(); ++i) {
            for (const unsigned char bit : {0x01, 0x80}) {
                std::string t = m_token;
                t[i] = static_cast<char>(static_cast<unsigned char>(t[i]) ^ bit);
                const auto v = verifyNow(t);
                QVERIFY(!v.detail.empty());
                if (!v.ok) {
                    ++refused;
                    continue;
                }
                QVERIFY2(v.genTime == good.genTime && v.serialHex == good.serialHex &&
                             v.tsaCertSha256 == good.tsaCertSha256,
                         qPrintable(QStringLiteral("flip at byte %1 changed a verified value").arg(i)));
            }
        }
        QVERIFY2(refused > static_cast<int>(m_token.size() * 2 * 9 / 10),
                 qPrintable(QStringLiteral("only %1 flips refused").arg(refused)));
    }

    void damagedTokenTruncated() {
        for (std::size_t n = 0; n < m_token.size(); ++n) {
            const auto v = verifyNow(m_token.substr(0, n));
            QVERIFY2(!v.ok, qPrintable(QStringLiteral("a token cut at %1 bytes verified").arg(n)));
        }
        expectRefused(verifyNow(m_token.substr(0, m_token.size() - 1)), "the timestamp is damaged");
        expectRefused(verifyNow(std::string()), "the timestamp is empty");
    }

    void damagedTokenTrailingBytes() {
        expectRefused(verifyNow(m_token + std::string(1, '\0')), "bytes follow its DER encoding");
        expectRefused(verifyNow(m_token + m_token), "bytes follow its DER encoding");
    }

    void damagedTokenGarbage() {
        // NOLINTNEXTLINE(cert-msc32-c,cert-msc51-cpp): a fixed seed, so every run tests the same data.
        std::mt19937 rng(65);
        for (int i = 0; i < 2000; ++i) {
            std::string g(rng() % 3000, '\0');
            for (auto& c : g) {
                c = static_cast<char>(rng() & 0xFFU);
            }
            if (i % 2 == 0 && g.size() > 4) { // a plausible SEQUENCE header
                g[0] = '\x30';
                g[1] = '\x82';
            }
            QVERIFY(!verifyNow(g).ok);
        }
        expectRefused(verifyNow("not a token at all"), "the timestamp is damaged");
        // A DER certificate is DER, but not a token.
        expectRefused(verifyNow(pki().tsa.cert.der()), "the timestamp is damaged");
    }

    void damagedToken65KiB() {
        expectRefused(verifyNow(std::string(std::size_t{65} * 1024, '\x30')),
                      "the timestamp is larger than 64 KiB");
        // A good token padded past the bound is refused for its size (before its bytes are read).
        expectRefused(verifyNow(m_token + std::string(std::size_t{65} * 1024, '\0')), "larger than 64 KiB");
        // At the bound it is read (and found damaged, not too large).
        const auto v = verifyNow(std::string(std::size_t{64} * 1024, '\x30'));
        QVERIFY(!v.ok);
        QVERIFY2(v.detail.find("larger") == std::string::npos, v.detail.c_str());
    }

    void sha1Imprint() {
        ForgedTimestamp f = forged(pki().tsa);
        f.imprintDigest = EVP_sha1();
        expectRefused(verifyNow(forgeTimestampToken(f)),
                      "the timestamp's message imprint is not SHA-256 (it is SHA1)");
        // SHA-512, also of the right bytes, is not SHA-256 either.
        f.imprintDigest = EVP_sha512();
        expectRefused(verifyNow(forgeTimestampToken(f)), "not SHA-256 (it is SHA512)");
    }

    void tsaCertificateExpiredAtVerificationTime() {
        // The TSA certificate ends a year from now, its root in ten: two years on, only the TSA's has
        // expired.
        const TimePoint later = pki().now + days(2 * 365);
        const auto v = verifyAt(m_token, later);
        expectRefused(v, "the TSA certificate (SHA-256 " + qtSha256(pki().tsa.cert.der()) +
                             ") had expired at the verification time");
        // And before it was valid.
        expectRefused(verifyAt(m_token, pki().now - days(20)), "was not yet valid at the verification time");
    }

    void tsaCertificateWithAWeakKeyOrSignature() {
        for (const bool weakKey : {true, false}) {
            auto key =
                weakKey ? PrivateKey::generate(KeyType::Rsa, 1024) : PrivateKey::generate(KeyType::EcP256);
            QVERIFY(key);
            CertificateSpec s;
            s.commonName = "Weak TSA";
            s.notBefore = pki().now - days(1);
            s.notAfter = pki().now + days(30);
            s.extendedKeyUsage = {"timeStamping"};
            s.extendedKeyUsageCritical = true;
            s.digest = weakKey ? "SHA256" : "SHA1";
            auto cert = issueCertificate(s, *key, &pki().tsaRoot.cert, pki().tsaRoot.key);
            QVERIFY(cert);
            expectRefused(verifyNow(makeToken(Party{*key, *cert}, m_genTime)),
                          weakKey
                              ? "the TSA certificate has a key that is too weak (RSA 1024)"
                              : "the TSA certificate is signed with a broken algorithm (ecdsa-with-SHA1)");
        }
    }

    void noTsaAnchors() {
        expectRefused(verifyTimestampToken(m_token, m_signature, {}, pki().now),
                      "the trust store has no TSA certificates (tsa/*.pem)");
    }

    void tokenWithoutSigningCertificateAttribute() {
        ForgedTimestamp f = forged(pki().tsa);
        f.signingCertificateV2 = false;
        expectRefused(verifyNow(forgeTimestampToken(f)), "signing-certificate attribute (ESS)");
    }

    void tokenWithoutTsaCertificate() {
        ForgedTimestamp f = forged(pki().tsa);
        f.includeSignerCert = false;
        expectRefused(verifyNow(forgeTimestampToken(f)), "does not include its TSA certificate");
    }

    void tokenSignedWithSha1() {
        ForgedTimestamp f = forged(pki().tsa);
        f.signerDigest = EVP_sha1();
        expectRefused(verifyNow(forgeTimestampToken(f)), "signed with a digest we do not accept (SHA1");
    }

    void tstInfoOfAnotherVersion() {
        ForgedTimestamp f = forged(pki().tsa);
        f.version = 2;
        expectRefused(verifyNow(forgeTimestampToken(f)), "not a version 1 TSTInfo");
    }

    void genTimeAfterTheVerificationTime() {
        const std::string token = makeToken(pki().tsa, pki().now + std::chrono::hours(1));
        expectRefused(verifyNow(token), "is after the verification time");
        // Within the 5 minutes allowed for clocks that differ.
        QVERIFY(verifyAt(token, pki().now + std::chrono::minutes(56)).ok);
    }

    void genTimeOutsideTheTsaCertificate() {
        // The TSA certificate starts ten days ago; a token claiming a time before that is not its word.
        const std::string token = makeToken(pki().tsa, pki().now - days(11));
        expectRefused(verifyNow(token), "lies outside the validity of the TSA certificate");
    }

    void tsaNameIsEscapedAndUnvouchedNamesAreNotRepeated() {
        auto key = PrivateKey::generate(KeyType::EcP256);
        QVERIFY(key);
        CertificateSpec s;
        s.commonName = "Evil\u202eTSA\nTRUSTED";
        s.notBefore = pki().now - days(1);
        s.notAfter = pki().now + days(30);
        s.extendedKeyUsage = {"timeStamping"};
        s.extendedKeyUsageCritical = true;
        auto cert = issueCertificate(s, *key, &pki().tsaRoot.cert, pki().tsaRoot.key);
        QVERIFY(cert);
        const Party evil{*key, *cert};
        const auto v = verifyNow(makeToken(evil, m_genTime));
        QVERIFY2(v.ok, v.detail.c_str());
        QCOMPARE(v.tsaName, s.commonName); // the field is raw; the detail is escaped
        QVERIFY2(v.detail.find("\u202e") == std::string::npos && v.detail.find('\n') == std::string::npos,
                 v.detail.c_str());
        QVERIFY2(v.detail.find("\\u{202E}") != std::string::npos, v.detail.c_str());
        // The same name under an unknown root is not repeated at all.
        auto foreign = issueCertificate(s, *key, &pki().unknownTsaRoot.cert, pki().unknownTsaRoot.key);
        QVERIFY(foreign);
        const auto u = verifyNow(makeToken(Party{*key, *foreign}, m_genTime));
        QVERIFY(!u.ok);
        QVERIFY2(u.detail.find("Evil") == std::string::npos, u.detail.c_str());
    }

    void errorQueueIsLeftEmpty() {
        ERR_clear_error();
        for (const std::string& t : {m_token, std::string("garbage"), m_token.substr(0, 100),
                                     makeToken(pki().unknownTsa, m_genTime)}) {
            (void)verifyNow(t);
            QCOMPARE(ERR_peek_error(), 0UL);
        }
        QVERIFY(!makeTimestampToken(pki().tsaNoEku.cert, pki().tsaNoEku.key, {}, m_signature, m_genTime));
        QCOMPARE(ERR_peek_error(), 0UL);
    }

    void makeTimestampTokenRefusesAForeignKey() {
        auto r = makeTimestampToken(pki().tsa.cert, pki().finding.key, {}, m_signature, m_genTime);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Invalid);
        auto e = makeTimestampToken(pki().tsaNoEku.cert, pki().tsaNoEku.key, {}, m_signature, m_genTime);
        QVERIFY(!e);
        QCOMPARE(e.error().code, ErrorCode::Invalid);
        QVERIFY2(e.error().message.find("timeStamping") != std::string::npos, e.error().message.c_str());
    }

    static void row(const char* tag, const char* text, const char* expected) {
        QTest::newRow(tag) << QByteArray(text) << QByteArray(expected);
    }
    void generalizedTimeParsing_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("expected"); // RFC 3339, or empty: refused
        row("whole seconds", "20261128101500Z", "2026-11-28T10:15:00Z");
        row("fraction", "20261128101500.25Z", "2026-11-28T10:15:00.250000Z");
        row("microseconds", "20261128101500.000001Z", "2026-11-28T10:15:00.000001Z");
        row("beyond microseconds dropped", "20261128101500.1234567Z", "2026-11-28T10:15:00.123456Z");
        row("leap day", "20280229000000Z", "2028-02-29T00:00:00Z");
        row("no Z", "20261128101500", "");
        row("offset", "20261128101500+0100", "");
        row("no seconds", "202611281015Z", "");
        row("empty fraction", "20261128101500.Z", "");
        row("comma", "20261128101500,5Z", "");
        row("letter", "2026112810150aZ", "");
        row("month 13", "20261328101500Z", "");
        row("30 February", "20260230101500Z", "");
        row("hour 24", "20261128241500Z", "");
        row("lower z", "20261128101500z", "");
        row("empty", "", "");
    }
    void generalizedTimeParsing() {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, expected);
        const auto t = parseGeneralizedTime(text.toStdString());
        if (expected.isEmpty()) {
            QVERIFY2(!t, text.constData());
        } else {
            QVERIFY2(t.has_value(), text.constData());
            QCOMPARE(QByteArray::fromStdString(verify::formatRfc3339(*t)), expected);
        }
    }

    // ---- independent cross-checks with the openssl command-line tool

    void opensslCliVerifiesOurTokens() {
        if (!haveOpenssl()) {
            QSKIP("no openssl command-line tool");
        }
        Run r = opensslVerify(m_token, pki().tsa);
        QVERIFY2(r.verified(), r.output.c_str());
        r = opensslVerify(forgeTimestampToken(forged(pki().tsa)), pki().tsa);
        QVERIFY2(r.verified(), r.output.c_str());
        // And it refuses what we refuse.
        r = opensslVerify(forgeTimestampToken(forged(pki().tsaNoEku)), pki().tsaNoEku);
        QVERIFY2(!r.verified() && r.exitCode != 0, r.output.c_str());
        std::string other = m_signature + "x";
        r = opensslVerify(timestampOverOtherBytes(pki().tsa.cert, pki().tsa.key, other, m_genTime),
                          pki().tsa);
        QVERIFY2(!r.verified() && r.exitCode != 0, r.output.c_str());
    }

    void ourVerifierAcceptsOpensslCliTokens_data() {
        QTest::addColumn<QByteArray>("essCertIdAlg");
        QTest::newRow("ESS signingCertificateV2 (SHA-256)") << QByteArray("sha256");
        QTest::newRow("ESS signingCertificate (SHA-1)") << QByteArray("sha1");
    }
    void ourVerifierAcceptsOpensslCliTokens() {
        QFETCH(QByteArray, essCertIdAlg);
        if (!haveOpenssl()) {
            QSKIP("no openssl command-line tool");
        }
        const std::string dir = path("cli-tsa-" + essCertIdAlg.toStdString());
        std::filesystem::create_directories(dir);
        writeAll(dir + "/signature.bin", m_signature);
        writeAll(dir + "/tsa.pem", pki().tsa.cert.pem());
        writeAll(dir + "/tsa.key", pki().tsa.key.pkcs8Pem());
        writeAll(dir + "/serial", "2A\n");
        // man openssl-ts, CONFIGURATION FILE OPTIONS.
        std::string config = "[ tsa ]\ndefault_tsa = tsa_config1\n[ tsa_config1 ]\n";
        config += "serial = " + dir + "/serial\n";
        config += "signer_cert = " + dir + "/tsa.pem\n";
        config += "signer_key = " + dir + "/tsa.key\n";
        config += "signer_digest = sha256\ndefault_policy = 1.2.3.4.1\ndigests = sha256\naccuracy = secs:1\n";
        config += "ordering = no\ntsa_name = no\ness_cert_id_chain = no\n";
        config += "ess_cert_id_alg = " + essCertIdAlg.toStdString() + "\n";
        writeAll(dir + "/tsa.cnf", config);
        const auto q = [&](const std::string& name) {
            return dir + "/" + name;
        };
        Run r = openssl({"ts", "-query", "-data", q("signature.bin"), "-sha256", "-cert", "-no_nonce", "-out",
                         q("request.tsq")});
        QVERIFY2(r.exitCode == 0, r.output.c_str());
        const TimePoint before = std::chrono::floor<std::chrono::seconds>(verify::now());
        r = openssl({"ts", "-reply", "-config", q("tsa.cnf"), "-queryfile", q("request.tsq"), "-token_out",
                     "-out", q("token.der")});
        QVERIFY2(r.exitCode == 0, r.output.c_str());
        const std::string token = readAll(dir + "/token.der");
        QVERIFY(!token.empty());
        const auto v = verifyTimestampToken(token, m_signature, anchors(), verify::now());
        QVERIFY2(v.ok, v.detail.c_str());
        QCOMPARE(v.serialHex, std::string("2B")); // the tool uses the serial file's number plus one
        QCOMPARE(v.tsaName, std::string(TestPki::kTsaName));
        QVERIFY(v.genTime >= before && v.genTime <= verify::now());
        // And over other bytes it is refused by us too.
        expectRefused(verifyTimestampToken(token, m_signature + "x", anchors(), verify::now()),
                      "over other bytes");
    }
};

QTEST_GUILESS_MAIN(TestTimestamp)
#include "tst_timestamp.moc"
