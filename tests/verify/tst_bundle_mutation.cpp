// No manipulated bundle ever verifies as trusted: thousands of seeded random mutations of a valid bundle's
// bytes, and structured mutations of every field of the decoded bundle and statement.
#include "verify_fixture.h"

#include <QtTest>

#include <cstdlib>
#include <memory>
#include <random>

using namespace veridicor;
using namespace veridicor::test;

namespace {

/// What the signature covers and who signed: if a mutated bundle still carries exactly these, it is the same
/// bundle (e.g. whitespace was inserted between tokens), and being trusted is then correct.
struct SignedContent {
    std::string payload;
    std::string payloadType;
    std::string signature;
    std::vector<std::string> certificates;
    bool operator==(const SignedContent&) const = default;
};

std::optional<SignedContent> signedContentOf(const std::string& bundle) {
    auto doc = json::parse(bundle);
    if (!doc || !doc->isObject()) {
        return std::nullopt;
    }
    const json::Value* env = doc->find("dsseEnvelope");
    const json::Value* vm = doc->find("verificationMaterial");
    if (env == nullptr || vm == nullptr || env->find("payload") == nullptr ||
        env->find("signatures") == nullptr) {
        return std::nullopt;
    }
    SignedContent c;
    c.payload = base64Decode(env->find("payload")->asString()).value_or("?");
    c.payloadType = env->find("payloadType")->asString();
    for (const auto& s : env->find("signatures")->asArray()) {
        c.signature += base64Decode(s.find("sig")->asString()).value_or("?");
    }
    for (const auto& cert : vm->find("x509CertificateChain")->find("certificates")->asArray()) {
        c.certificates.push_back(base64Decode(cert.find("rawBytes")->asString()).value_or("?"));
    }
    return c;
}

/// Every path to a value in a JSON document (object keys and array indices).
void collectPaths(const json::Value& v, std::vector<std::vector<std::string>>& out,
                  std::vector<std::string>& path) {
    out.push_back(path);
    if (v.isObject()) {
        for (const auto& m : v.asObject()) {
            path.push_back(m.key);
            collectPaths(m.value, out, path);
            path.pop_back();
        }
    } else if (v.isArray()) {
        for (std::size_t i = 0; i < v.asArray().size(); ++i) {
            path.push_back("#" + std::to_string(i));
            collectPaths(v.asArray()[i], out, path);
            path.pop_back();
        }
    }
}

json::Value* at(json::Value& root, const std::vector<std::string>& path, std::size_t upTo) {
    json::Value* v = &root;
    for (std::size_t i = 0; i < upTo; ++i) {
        if (path[i][0] == '#') {
            v = &v->asArray()[std::stoul(path[i].substr(1))];
        } else {
            v = v->find(path[i]);
        }
    }
    return v;
}

/// Structured mutations of the value at `path`: change it, change its type, remove it, add a sibling.
std::vector<json::Value> mutationsAt(const json::Value& doc, const std::vector<std::string>& path) {
    std::vector<json::Value> out;
    auto variant = [&](auto edit) {
        json::Value copy = doc;
        edit(copy);
        out.push_back(std::move(copy));
    };
    variant([&](json::Value& d) {
        json::Value* v = at(d, path, path.size());
        switch (v->type()) {
        case json::Type::String:
            *v = json::Value::string(v->asString().empty() ? "x" : v->asString() + "x");
            break;
        case json::Type::Number:
            *v = json::Value::number(v->asDouble() + 1);
            break;
        case json::Type::Bool:
            *v = json::Value::boolean(!v->asBool());
            break;
        case json::Type::Null:
            *v = json::Value::string("");
            break;
        case json::Type::Array:
            if (!v->asArray().empty()) {
                v->asArray().push_back(v->asArray().front());
            } else {
                v->push(json::Value());
            }
            break;
        case json::Type::Object:
            v->set("injected", json::Value::boolean(true));
            break;
        }
    });
    variant([&](json::Value& d) { *at(d, path, path.size()) = json::Value::integer(0); });
    variant([&](json::Value& d) { *at(d, path, path.size()) = json::Value(); });
    if (!path.empty()) {
        variant([&](json::Value& d) {
            json::Value* parent = at(d, path, path.size() - 1);
            if (path.back()[0] == '#') {
                auto& items = parent->asArray();
                items.erase(items.begin() + static_cast<long>(std::stoul(path.back().substr(1))));
            } else {
                parent->erase(path.back());
            }
        });
    }
    return out;
}

} // namespace

class TestBundleMutation : public QObject {
    Q_OBJECT

    std::unique_ptr<VerifyFixture> f;
    std::unique_ptr<Verifier> verifier;
    std::string bundle;
    std::optional<SignedContent> original;

    [[nodiscard]] Verdict check(const std::string& candidate) const {
        return verifier->verify(candidate, f->input, f->pki.now, attachmentsFromFolder(f->root / "bundles"));
    }

    /// Fails the test when `candidate` is trusted although it is not the original signed content.
    bool neverTrusted(const std::string& candidate, const std::string& what, int& sameContent) {
        const Verdict v = check(candidate);
        if (!v.trusted()) {
            return !v.reasons.empty();
        }
        if (signedContentOf(candidate) == original) {
            ++sameContent; // e.g. whitespace inserted between tokens: the same signed bundle
            return true;
        }
        qWarning("TRUSTED after mutation (%s): %s", what.c_str(), candidate.c_str());
        return false;
    }

private slots:
    void initTestCase() {
        f = std::make_unique<VerifyFixture>(now());
        QVERIFY(f->setUp());
        auto store = TrustStore::load(f->trustDir());
        QVERIFY(store.hasValue());
        verifier = std::make_unique<Verifier>(*store);
        bundle = f->sign(f->pki.finding);
        original = signedContentOf(bundle);
        QVERIFY(original.has_value());
        QVERIFY2(check(bundle).trusted(), "the unmutated bundle must verify");
    }

    void randomByteMutationsNeverVerify() {
        const char* seedEnv = std::getenv("VERIDICOR_MUTATION_SEED");
        const unsigned seed =
            seedEnv != nullptr ? static_cast<unsigned>(std::strtoul(seedEnv, nullptr, 10)) : 20261128U;
        const char* countEnv = std::getenv("VERIDICOR_MUTATIONS");
        const int count = countEnv != nullptr ? static_cast<int>(std::strtol(countEnv, nullptr, 10)) : 20000;
        std::mt19937 rng(seed);
        int sameContent = 0;
        int failures = 0;
        for (int i = 0; i < count && failures < 5; ++i) {
            std::string m = bundle;
            const int edits = 1 + static_cast<int>(rng() % 3);
            std::string what;
            for (int e = 0; e < edits && !m.empty(); ++e) {
                const std::size_t pos = rng() % m.size();
                switch (rng() % 6) {
                case 0: // flip one bit
                    m[pos] = static_cast<char>(m[pos] ^ (1U << (rng() % 8)));
                    what += "flip@" + std::to_string(pos) + " ";
                    break;
                case 1: // replace with a random byte
                    m[pos] = static_cast<char>(rng() & 0xFFU);
                    what += "set@" + std::to_string(pos) + " ";
                    break;
                case 2: // replace with a JSON-significant character
                    m[pos] = "{}[]\",:\\ 0a=+/-_"[rng() % 17];
                    what += "json@" + std::to_string(pos) + " ";
                    break;
                case 3:
                    m.erase(pos, 1 + rng() % 4);
                    what += "del@" + std::to_string(pos) + " ";
                    break;
                case 4:
                    m.insert(pos, 1, "\" ,:{}[]A=\n"[rng() % 11]);
                    what += "ins@" + std::to_string(pos) + " ";
                    break;
                case 5: { // copy a chunk elsewhere
                    const std::size_t from = rng() % m.size();
                    const std::size_t len = 1 + rng() % 40;
                    m.insert(pos, m.substr(from, len));
                    what += "dup@" + std::to_string(pos) + " ";
                    break;
                }
                }
            }
            if (m == bundle) {
                continue;
            }
            if (!neverTrusted(m, what, sameContent)) {
                ++failures;
            }
        }
        qInfo("%d random mutations (seed %u): none trusted; %d left the signed content unchanged", count,
              seed, sameContent);
        QCOMPARE(failures, 0);
    }

    void truncationsNeverVerify() {
        int same = 0;
        for (std::size_t n = 0; n < bundle.size(); n += 7) {
            QVERIFY(neverTrusted(bundle.substr(0, n), "truncated to " + std::to_string(n), same));
        }
        QCOMPARE(same, 0);
    }

    void structuredBundleMutationsNeverVerify() {
        auto doc = json::parse(bundle);
        std::vector<std::vector<std::string>> paths;
        std::vector<std::string> path;
        collectPaths(*doc, paths, path);
        int same = 0;
        int tried = 0;
        for (const auto& p : paths) {
            for (const auto& m : mutationsAt(*doc, p)) {
                QVERIFY(neverTrusted(json::serialize(m), "bundle field mutation", same));
                ++tried;
            }
        }
        // Swapping, repeating or replacing certificates.
        const std::string other = f->sign(f->pki.other);
        for (int k = 0; k < 3; ++k) {
            json::Value m = *doc;
            auto& certs =
                m.find("verificationMaterial")->find("x509CertificateChain")->find("certificates")->asArray();
            if (k == 0) {
                std::swap(certs[0], certs[1]);
            } else if (k == 1) {
                certs.push_back(certs[0]);
                std::swap(certs[0], certs[2]);
            } else {
                certs[0] = json::parse(other)
                               ->find("verificationMaterial")
                               ->find("x509CertificateChain")
                               ->find("certificates")
                               ->asArray()[0];
            }
            QVERIFY(neverTrusted(json::serialize(m), "certificate mutation", same));
            ++tried;
        }
        // Only removing the optional, unsigned and unused "tlogEntries" leaves the same signed bundle.
        qInfo("%d structured mutations of the bundle: none trusted; %d left the signed content unchanged",
              tried, same);
        QVERIFY(same <= 1);
    }

    void structuredStatementMutationsNeverVerify() {
        // Every field of the signed statement changed, retyped or removed, with the original signature kept.
        auto statement = json::parse(payloadOf(bundle));
        std::vector<std::vector<std::string>> paths;
        std::vector<std::string> path;
        collectPaths(*statement, paths, path);
        int same = 0;
        int tried = 0;
        for (const auto& p : paths) {
            for (const auto& m : mutationsAt(*statement, p)) {
                const std::string mutated = editBundle(bundle, [&](json::Value& d) {
                    d.find("dsseEnvelope")
                        ->set("payload", json::Value::string(base64Encode(json::serialize(m))));
                });
                const Verdict v = check(mutated);
                QVERIFY(!v.trusted());
                QVERIFY(v.has(Reason::BadSignature));
                ++tried;
            }
        }
        qInfo("%d structured mutations of the statement: none trusted", tried);
        QCOMPARE(same, 0);
    }

    void evenTheRealSignerCannotRebindAFinding_data() {
        QTest::addColumn<QString>("field");
        QTest::addColumn<int>("reason");
        QTest::newRow("subject digest")
            << QStringLiteral("subject") << static_cast<int>(Reason::DataMismatch);
        QTest::newRow("SOP instance UID") << QStringLiteral("sop") << static_cast<int>(Reason::DataMismatch);
        QTest::newRow("study UID") << QStringLiteral("study") << static_cast<int>(Reason::DataMismatch);
        QTest::newRow("model digest")
            << QStringLiteral("model") << static_cast<int>(Reason::ModelDigestMismatch);
        QTest::newRow("attachment digest")
            << QStringLiteral("attachment") << static_cast<int>(Reason::AttachmentMismatch);
        QTest::newRow("produced in the future")
            << QStringLiteral("time") << static_cast<int>(Reason::TimeInvalid);
        QTest::newRow("modality") << QStringLiteral("modality") << static_cast<int>(Reason::DataMismatch);
    }
    void evenTheRealSignerCannotRebindAFinding() {
        // Statements re-signed by the legitimate finding signer with a binding field changed.
        QFETCH(QString, field);
        QFETCH(int, reason);
        auto st = json::parse(payloadOf(bundle));
        json::Value* pred = st->find("predicate");
        const std::string otherHash(64, 'c');
        if (field == QStringLiteral("subject")) {
            st->find("subject")->asArray()[0].find("digest")->set("sha256", json::Value::string(otherHash));
        } else if (field == QStringLiteral("sop")) {
            pred->find("input")->set("sopInstanceUID", json::Value::string("1.2.3.4.5"));
        } else if (field == QStringLiteral("study")) {
            pred->find("input")->set("studyInstanceUID", json::Value::string("1.2.3.4.6"));
        } else if (field == QStringLiteral("model")) {
            pred->find("model")->find("digest")->set("sha256", json::Value::string(otherHash));
        } else if (field == QStringLiteral("attachment")) {
            pred->find("attachments")
                ->asArray()[0]
                .find("digest")
                ->set("sha256", json::Value::string(otherHash));
        } else if (field == QStringLiteral("time")) {
            pred->set("producedAt", json::Value::string(formatRfc3339(f->pki.now + days(1))));
        } else {
            pred->find("input")->set("modality", json::Value::string("US"));
        }
        auto resigned = signDsseBundle(f->pki.identity(f->pki.finding), json::serialize(*st));
        QVERIFY(resigned.hasValue());
        const Verdict v = check(*resigned);
        QVERIFY(!v.trusted());
        QCOMPARE(reasonsText(v), std::string(reasonName(static_cast<Reason>(reason))));
    }
};

QTEST_GUILESS_MAIN(TestBundleMutation)
#include "tst_bundle_mutation.moc"
