// R2: no bundle costs more than 1 s. Anyone can drop a file next to a study: the largest a bundle may be
// (64 MiB), built to make one part of the verifier work as hard as the limits allow, is refused quickly and
// for the right reason. Also the strict reader's edges that the faster duplicate-key check must keep: the
// first problem in document order is the one named, whatever the size of the object it is in.
#include "siphash.h" // verify/src: the keyed hash of object keys
#include "verify_fixture.h"

#include <QtTest>

#include <chrono>
#include <cmath>

// moc (Qt 6.4) stops reading this file at some raw string literals (one that ends in a quote or holds an odd
// number of them): the test class then has no moc output and the test does not link. Those stay escaped.
// NOLINTBEGIN(modernize-raw-string-literal)

using namespace veridicor;
using namespace veridicor::test;

namespace {

// Sanitizers and unoptimized builds are many times slower: there the times are printed, not asserted.
// (Hidden from moc, whose preprocessor does not know __has_feature.)
#ifndef Q_MOC_RUN
// A macro, not a function: __has_feature can only be asked in a preprocessor condition.
#if defined(__has_feature)
#define VERIDICOR_HAS_FEATURE(x) __has_feature(x) // NOLINT(cppcoreguidelines-macro-usage): see above
#else
#define VERIDICOR_HAS_FEATURE(x) 0 // NOLINT(cppcoreguidelines-macro-usage): see above
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || !defined(__OPTIMIZE__) ||               \
    VERIDICOR_HAS_FEATURE(address_sanitizer) || VERIDICOR_HAS_FEATURE(thread_sanitizer) ||                   \
    VERIDICOR_HAS_FEATURE(memory_sanitizer)
constexpr bool kTimed = false;
#else
constexpr bool kTimed = true;
#endif
#endif

constexpr std::size_t kMaxBundleBytes = std::size_t{64} << 20;
// (No raw string literals in this file: moc's lexer does not know them.)
constexpr const char* kBundleStart = R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json",)";

/// A signed bundle's parts, to build hostile bundles around them.
struct Parts {
    std::string payload;      ///< base64, as in the bundle
    std::string signature;    ///< base64
    std::string certificates; ///< the chain's "certificates" array, JSON
    std::string verificationMaterial;
    std::string envelope;
};

Parts partsOf(const std::string& bundle) {
    auto doc = json::parse(bundle);
    const json::Value* vm = doc->find("verificationMaterial");
    const json::Value* env = doc->find("dsseEnvelope");
    return {env->find("payload")->asString(),
            env->find("signatures")->asArray().front().find("sig")->asString(),
            json::serialize(*vm->find("x509CertificateChain")->find("certificates")), json::serialize(*vm),
            json::serialize(*env)};
}

} // namespace

class TestBundleCost : public QObject {
    Q_OBJECT

    std::unique_ptr<VerifyFixture> f;
    std::optional<Verifier> verifier;
    Parts parts;

    /// Verifies `bundle` and prints how long it took; fails when that was 1 s or more (optimized builds
    /// without sanitizers).
    Verdict timedVerify(const std::string& bundle, const char* what) {
        const auto start = std::chrono::steady_clock::now();
        Verdict v =
            verifier->verify(bundle, f->input, f->pki.now, attachmentsFromFolder(f->root / "bundles"));
        const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
        qInfo("%s (%.1f MiB): %.0f ms%s", what, static_cast<double>(bundle.size()) / (1 << 20), ms.count(),
              kTimed ? "" : " (not asserted: sanitizers or no optimization)");
        if (kTimed) {
            [&] {
                QVERIFY2(ms.count() < 1000, what);
            }();
        }
        return v;
    }

private slots:
    void initTestCase() {
        QVERIFY(dicom::initializeDicom().hasValue());
        f = std::make_unique<VerifyFixture>(now());
        QVERIFY2(f->setUp(), "fixture");
        auto store = TrustStore::load(f->trustDir());
        QVERIFY(store.hasValue());
        verifier.emplace(*store);
        const std::string signedBundle = f->sign(f->pki.finding);
        QVERIFY(f->verify(signedBundle).trusted());
        parts = partsOf(signedBundle);
    }

    void eightyFiveThousandCertificatesAreNotRead() {
        // 85,000 "certificates" filling 64 MiB, none of them base64 (let alone DER): had any been decoded the
        // envelope would be MALFORMED; the chain is refused by its length alone.
        const std::string head =
            std::string(kBundleStart) + R"("verificationMaterial":{"x509CertificateChain":{"certificates":[)";
        const std::string tail =
            "]},\"tlogEntries\":[]},\"dsseEnvelope\":{\"payload\":\"" + parts.payload +
            "\",\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"sig\":\"" +
            parts.signature + "\"}]}}";
        constexpr std::size_t kCount = 85'000;
        const std::size_t each = (kMaxBundleBytes - head.size() - tail.size()) / kCount - 16;
        const std::string one = "{\"rawBytes\":\"" + std::string(each, '!') + "\"}";
        std::string bundle = head;
        bundle.reserve(kMaxBundleBytes);
        for (std::size_t i = 0; i < kCount; ++i) {
            bundle += (i == 0 ? "" : ",") + one;
        }
        bundle += tail;
        QVERIFY(bundle.size() <= kMaxBundleBytes);
        QVERIFY(bundle.size() > kMaxBundleBytes - (std::size_t{1} << 20));

        const Verdict v = timedVerify(bundle, "85,000 certificates");
        QCOMPARE(reasonsText(v), std::string("UNTRUSTED_CHAIN"));
        QVERIFY(v.checks[0].ok()); // the envelope was read, its certificates were not
        const std::string& chain = v.checks[1].detail;
        QVERIFY2(chain == "The bundle's chain lists 85000 certificates, more than the 10 accepted; none of "
                          "them was read, so the signer is unknown.",
                 chain.c_str());
        QCOMPARE(v.checks[2].status, CheckStatus::NotChecked);
        QVERIFY(!v.signer.has_value());
    }

    void anObjectOfNearlyTwoMillionKeys() {
        // The bundle's own object with 1,900,000 more members: every key read and checked for repeats, then
        // refused as holding fields that are not part of the format — or, when the last key repeats the
        // first, as not valid JSON, at the offset of that key.
        constexpr std::size_t kKeys = 1'900'000;
        std::string bundle = std::string(kBundleStart) +
                             "\"verificationMaterial\":" + parts.verificationMaterial +
                             ",\"dsseEnvelope\":" + parts.envelope;
        bundle.reserve(bundle.size() + kKeys * 14 + 32);
        for (std::size_t i = 0; i < kKeys; ++i) {
            const std::string digits = std::to_string(i); // the key is k and i in at least 7 digits
            bundle += ",\"k";
            bundle.append(digits.size() < 7 ? 7 - digits.size() : 0, '0');
            bundle += digits;
            bundle += "\":0";
        }
        const Verdict unknown = timedVerify(bundle + "}", "1,900,000 keys");
        QCOMPARE(reasonsText(unknown), std::string("MALFORMED"));
        QCOMPARE(
            unknown.checks[0].detail,
            std::string("The finding file cannot be read as a signed bundle: bundle holds a field that is "
                        "not part of the format (member 4)."));

        const std::size_t repeatAt = bundle.size() + 1;
        const Verdict repeated =
            timedVerify(bundle + ",\"k0000000\":1}", "1,900,000 keys, the last repeated");
        QCOMPARE(reasonsText(repeated), std::string("MALFORMED"));
        QCOMPARE(
            repeated.checks[0].detail,
            "The finding file cannot be read as a signed bundle: the bundle is not valid JSON: duplicate key "
            "in an object (at byte " +
                std::to_string(repeatAt) + ").");
        for (const auto& v : {unknown, repeated}) {
            QCOMPARE(v.checks[1].status, CheckStatus::NotChecked);
            QVERIFY(!v.signer.has_value());
        }
    }

    // ---- The strict reader at the edges of its duplicate check: objects of more than 16 members are checked
    // once read (or once reading them failed), smaller ones key by key; both name the first problem.

    void largeObjectsNameTheFirstProblem_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("offset");
        QTest::addColumn<QString>("problem");
        std::string keys; // 20 distinct keys: past the 16 compared one by one
        for (int i = 0; i < 20; ++i) {
            keys += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
        }
        const auto row = [&](const char* name, const std::string& text, std::size_t offset, const char* p) {
            QTest::newRow(name) << QByteArray::fromStdString(text) << static_cast<int>(offset)
                                << QString::fromLatin1(p);
        };
        const std::string dup = "{" + keys + "\"k3\":0,"; // the repeat starts at dup.size() - 7
        row("repeat, then a syntax error", dup + "\"x\" 1}", dup.size() - 7, "duplicate key");
        row("repeat, then a trailing comma", dup + "}", dup.size() - 7, "duplicate key");
        row("repeat, then the end of the document", dup, dup.size() - 7, "duplicate key");
        row("repeated key whose value is broken", "{" + keys + "\"k3\":[1,}", keys.size() + 1,
            "duplicate key");
        std::string zeros = "0";
        for (int i = 0; i < 40; ++i) {
            zeros += ",0";
        }
        row("repeat, then too many values", dup + "\"big\":[" + zeros + "]}", dup.size() - 7,
            "duplicate key");
        row("too many values, no repeat", "{" + keys + "\"big\":[" + zeros + "]}", 0, "more than 60 values");
        // Without a repeat before it, the later problem is the one named.
        row("syntax error before a repeat", "{" + keys + R"("x" 1,"k3":0})", keys.size() + 5, "expected ':'");
        // Nested: the outer repeat comes first in the document, the inner one later (and vice versa).
        const std::string inner = "{" + keys + "\"k5\":0}";
        row("outer repeat before a nested one", "{" + keys + "\"k1\":" + inner + "}", keys.size() + 1,
            "duplicate key");
        const std::string nestedFirst = "{" + keys + "\"in\":" + inner + ",\"k1\":0}";
        row("nested repeat before an outer one", nestedFirst, 2 * keys.size() + 7, "duplicate key");
        // A repeat among the first 16 keys is found as it is read.
        row("small object", R"({"a":1,"b":2,"a":3,"c":})", 13, "duplicate key");
        // Many copies of one key: the second is the one named.
        std::string same = "{";
        for (int i = 0; i < 1000; ++i) {
            same += std::string(i == 0 ? "" : ",") + "\"same\":0";
        }
        row("one key a thousand times", same + "}", 10, "duplicate key");
        // Keys that differ only after escapes are decoded.
        row("repeat written with an escape", "{" + keys + R"("\u006b7":0})", keys.size() + 1,
            "duplicate key");
    }
    void largeObjectsNameTheFirstProblem() {
        QFETCH(QByteArray, text);
        QFETCH(int, offset);
        QFETCH(QString, problem);
        json::Limits limits;
        limits.maxValues = 60; // reached by the rows with a long array
        const auto r = json::parse(text.toStdString(), limits);
        QVERIFY(!r.hasValue());
        QVERIFY2(r.error().message.find(problem.toStdString()) != std::string::npos,
                 r.error().message.c_str());
        if (offset > 0) {
            QCOMPARE(r.error().offset, static_cast<std::size_t>(offset));
        }
    }

    void largeObjectsWithoutRepeatsAreRead() {
        std::string text = "{";
        for (int i = 0; i < 5000; ++i) {
            text += std::string(i == 0 ? "" : ",") + "\"k" + std::to_string(i) + "\":" + std::to_string(i);
        }
        const auto r = json::parse(text + "}");
        QVERIFY(r.hasValue());
        QCOMPARE(r->asObject().size(), std::size_t{5000});
        QCOMPARE(r->asObject()[4321].key, std::string("k4321"));
        QCOMPARE(r->find("k4999")->asInteger(), std::optional<std::int64_t>(4999));
    }

    void numbersAreCheckedAtTheEdgesOfTheDoubleRange() {
        // Read as written; refused when they do not convert to a finite double, or when a value that is not
        // zero would round to zero.
        for (const char* ok :
             {"1e300", "-1e-300", "1.7976931348623157e308", "4.9e-324", "0e-999999",
              "0.000000000000000000000000000000000000001e-280", "123456789012345678901234567890"}) {
            const auto r = json::parse(std::string("[") + ok + "]");
            QVERIFY2(r.hasValue(), ok);
            QCOMPARE(r->asArray()[0].numberText(), std::string(ok));
            QVERIFY(std::isfinite(r->asArray()[0].asDouble()));
        }
        for (const char* bad : {"1e309", "-1.7976931348623159e308", "1e-400", "2e-324",
                                "0.000000000000000000000000000000000000001e-290", "1e99999999999999999999"}) {
            const auto r = json::parse(std::string("[") + bad + "]");
            QVERIFY2(!r.hasValue(), bad);
        }
        QCOMPARE(json::parse("[1e-400]").error().message, std::string("number out of range"));
        QCOMPARE(json::parse("[0.1]")->asArray()[0].asDouble(), 0.1);
        QCOMPARE(json::parse("[-0]")->asArray()[0].asDouble(), 0.0);
        QVERIFY(std::signbit(json::parse("[-0]")->asArray()[0].asDouble()));
    }

    void sipHashMatchesItsReferenceVectors() {
        // The keyed hash of object keys: SipHash-2-4's published vectors (key 00..0f, messages 00..(n-1)),
        // and SipHash-1-3 is the same function with other round counts.
        const verify::detail::SipKey key{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
        std::string message;
        for (int i = 0; i < 64; ++i) {
            message.push_back(static_cast<char>(i));
        }
        QCOMPARE(verify::detail::sipHash24(key, std::string_view(message).substr(0, 0)),
                 0x726fdb47dd0e0e31ULL);
        QCOMPARE(verify::detail::sipHash24(key, std::string_view(message).substr(0, 15)),
                 0xa129ca6149be45e5ULL);
        QCOMPARE(verify::detail::sipHash24(key, std::string_view(message).substr(0, 63)),
                 0x958a324ceb064572ULL);
        QVERIFY(verify::detail::sipHash13(key, "a") != verify::detail::sipHash24(key, "a"));
        QVERIFY(verify::detail::sipHash13(key, "a") != verify::detail::sipHash13({1, 2}, "a"));
    }
};

QTEST_GUILESS_MAIN(TestBundleCost)
// NOLINTEND(modernize-raw-string-literal)
#include "tst_bundle_cost.moc"
