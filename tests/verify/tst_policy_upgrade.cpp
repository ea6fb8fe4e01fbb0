// policy-upgrade (R2.3 migration): a version 1 policy becomes a version 2 one whose signers are pinned to the
// CA that issues them, from evidence that authenticates under the store; the upgraded store verifies what the
// old one did from that CA, and no longer what another root vouches for. Through the library and through the
// real veridicor-cli binary (including a version 1 rewrite of the demo PKI, which upgrades back to the demo's
// own version 2 policy).
#include "test_data.h"
#include "verify_fixture.h"

#include <veridicor/verify/policy_upgrade.h>

#include <QProcess>
#include <QtTest>

#include <memory>

using namespace veridicor;
using namespace veridicor::test;

namespace {

using Severity = PolicyUpgradeNote::Severity;

/// "identity@ca; …" for comparisons that print what differs.
std::string rulesText(const std::vector<SignerRule>& rules) {
    std::string s;
    for (const auto& r : rules) {
        s += (s.empty() ? "" : "; ") + r.identity + "@" + r.caSpkiSha256;
    }
    return s;
}

bool hasNote(const PolicyUpgrade& u, Severity severity, const std::string& fragment) {
    return std::any_of(u.notes.begin(), u.notes.end(), [&](const PolicyUpgradeNote& n) {
        return n.severity == severity && n.text.find(fragment) != std::string::npos;
    });
}

std::string notesText(const PolicyUpgrade& u) {
    std::string s;
    for (const auto& n : u.notes) {
        s += std::string(severityName(n.severity)) + ": " + n.text + "\n";
    }
    return s;
}

struct Run {
    int exitCode = -1;
    std::string out;
    std::string err;
};

} // namespace

class TestPolicyUpgrade : public QObject {
    Q_OBJECT

    std::unique_ptr<VerifyFixture> f;
    std::string interPin;
    std::string rootPin;
    std::string findingBundle; ///< signed by the finding signer under the intermediate
    std::filesystem::path findingEvidence;

    [[nodiscard]] const TestPki& pki() const { return f->pki; }

    Expected<PolicyUpgrade, Error> upgrade(const std::string& store,
                                           const std::vector<std::filesystem::path>& evidence) const {
        auto ts = TrustStore::load(f->trustDir(store));
        if (!ts) {
            qWarning("trust store: %s", ts.error().message.c_str());
            return Unexpected{ts.error()};
        }
        return upgradePolicy(*ts, evidence, pki().now);
    }

    /// A copy of trust store `from` (anchors, CRLs, models) with `policy` as its policy.json.
    void install(const std::string& from, const std::string& to, const std::string& policy) const {
        const auto dst = f->trustDir(to);
        std::filesystem::remove_all(dst);
        std::filesystem::copy(f->trustDir(from), dst, std::filesystem::copy_options::recursive);
        writeAll(dst / "policy.json", policy);
    }

    [[nodiscard]] std::filesystem::path writeEvidence(const std::string& name,
                                                      const std::string& bytes) const {
        auto p = f->root / "evidence" / name;
        writeAll(p, bytes);
        return p;
    }

    static QString cli() { return buildDir() + QStringLiteral("/bin/veridicor-cli"); }

    static Run run(const QStringList& args) {
        QProcess p;
        p.start(cli(), args);
        Run r;
        if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit) {
            return r;
        }
        r.exitCode = p.exitCode();
        r.out = p.readAllStandardOutput().toStdString();
        r.err = p.readAllStandardError().toStdString();
        return r;
    }

    static QString q(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

private slots:
    void initTestCase() {
        f = std::make_unique<VerifyFixture>(now());
        QVERIFY2(f->setUp(), "fixture");
        interPin = spkiSha256(pki().inter.cert);
        rootPin = spkiSha256(pki().root.cert);
        QVERIFY(interPin != rootPin);
        findingBundle = f->sign(pki().finding);
        QVERIFY(!findingBundle.empty());
        findingEvidence = writeEvidence("study/ecg.finding.json", findingBundle);
        VerifyFixture::PolicyOptions twoRoots;
        twoRoots.withUnknownRootAnchor = true;
        QVERIFY(f->writeTrustStore("trust-two-roots", twoRoots));
    }

    // The fixture's version 1 store, a finding of the finding signer as evidence: each name pinned to the
    // intermediate that issues it, typed as version 1 matched it; the upgraded store verifies the finding.
    void upgradesTheFixtureStore() {
        auto u = upgrade("trust", {findingEvidence});
        QVERIFY2(u.hasValue(), u ? "" : u.error().message.c_str());
        QCOMPARE(u->policy.policyVersion, 2);
        QCOMPARE(u->policy.revocation, RevocationMode::IfAvailable);
        QCOMPARE(u->policy.models.size(), std::size_t{1});
        const ModelApproval& m = u->policy.models.front();
        QCOMPARE(m.name, std::string("ecg-omi-detector"));
        QCOMPARE(m.version, std::string("2.1.0"));
        QCOMPARE(m.digest, f->modelDigest);
        QCOMPARE(m.modalities, std::vector<std::string>{"ECG"});
        QVERIFY(m.inputDigestMethods.empty());
        QCOMPARE(rulesText(m.findingSigners), "dns:omi-inference.vendor-a.example@" + interPin);
        QCOMPARE(rulesText(m.modelSigners), "cn:Vendor A Model Signing@" + interPin); // from models/*.sig
        QVERIFY2(!u->needsDecision(), notesText(*u).c_str());
        QVERIFY2(hasNote(*u, Severity::Info, "ecg.finding.json"), notesText(*u).c_str());
        QVERIFY2(hasNote(*u, Severity::Info, "models/ecg-omi-detector.sig"), notesText(*u).c_str());
        QVERIFY2(hasNote(*u, Severity::Info, "'Test Signing CA' (sha256:" + interPin), notesText(*u).c_str());
        // Version 2's default digest methods and revocation are said, and revocation is written as it was.
        QVERIFY2(hasNote(*u, Severity::Review, "dicom-waveform-v1"), notesText(*u).c_str());
        QVERIFY(u->policyJson.find("\"revocation\": \"if-available\"") != std::string::npos);
        QVERIFY(u->policyJson.find("\"policyVersion\": 2") != std::string::npos);

        install("trust", "trust-upgraded", u->policyJson);
        auto ts = TrustStore::load(f->trustDir("trust-upgraded"));
        QVERIFY2(ts.hasValue(), ts ? "" : ts.error().message.c_str());
        QCOMPARE(ts->policy().policyVersion, 2);
        const Verdict v = f->verify(findingBundle, "trust-upgraded");
        QVERIFY2(v.trusted(), reasonsText(v).c_str());
        QCOMPARE(v.signer->authorizedAs, std::string("dns:omi-inference.vendor-a.example"));
    }

    // The point of the migration: under version 1 any root could vouch for the name; once pinned, a
    // certificate of the same name from the other root is SIGNER_NOT_AUTHORIZED.
    void anotherRootNoLongerVouches() {
        const std::string impostor = f->sign(pki().unknownLeaf);
        const Verdict before = f->verify(impostor, "trust-two-roots");
        QVERIFY2(before.trusted(), reasonsText(before).c_str());

        auto u = upgrade("trust-two-roots", {findingEvidence});
        QVERIFY2(u.hasValue(), u ? "" : u.error().message.c_str());
        QCOMPARE(rulesText(u->policy.models[0].findingSigners),
                 "dns:omi-inference.vendor-a.example@" + interPin);
        install("trust-two-roots", "trust-two-roots-upgraded", u->policyJson);
        const Verdict after = f->verify(impostor, "trust-two-roots-upgraded");
        QCOMPARE(reasonsText(after), std::string("SIGNER_NOT_AUTHORIZED"));
        const Verdict genuine = f->verify(findingBundle, "trust-two-roots-upgraded");
        QVERIFY2(genuine.trusted(), reasonsText(genuine).c_str());
    }

    // When the evidence shows the name issued by two CAs, both are pinned and the admin is told to decide.
    void twoIssuersAreBothPinnedWithAWarning() {
        const auto impostor = writeEvidence("other-root.finding.json", f->sign(pki().unknownLeaf));
        auto u = upgrade("trust-two-roots", {findingEvidence, impostor});
        QVERIFY2(u.hasValue(), u ? "" : u.error().message.c_str());
        QCOMPARE(rulesText(u->policy.models[0].findingSigners),
                 "dns:omi-inference.vendor-a.example@" + interPin + "; dns:omi-inference.vendor-a.example@" +
                     spkiSha256(pki().unknownRoot.cert));
        QVERIFY(u->needsDecision());
        QVERIFY2(hasNote(*u, Severity::Warning, "issued by 2 different CAs"), notesText(*u).c_str());
    }

    // No evidence, one root: pinned to that root (widest, never wrong), type inferred from the name's form.
    void noEvidenceWithOneRootPinsToIt() {
        VerifyFixture::PolicyOptions o;
        o.findingSigners = {TestPki::kFindingSigner, "Vendor B Inference"};
        QVERIFY(f->writeTrustStore("trust-no-evidence", o));
        auto u = upgrade("trust-no-evidence", {});
        QVERIFY2(u.hasValue(), u ? "" : u.error().message.c_str());
        QCOMPARE(rulesText(u->policy.models[0].findingSigners),
                 "dns:omi-inference.vendor-a.example@" + rootPin + "; cn:Vendor B Inference@" + rootPin);
        QCOMPARE(rulesText(u->policy.models[0].modelSigners), "cn:Vendor A Model Signing@" + interPin);
        QVERIFY2(hasNote(*u, Severity::Review,
                         "no certificate seen; pinned to the only root — narrow it to the issuing CA"),
                 notesText(*u).c_str());
        QVERIFY2(hasNote(*u, Severity::Review, "inferred"), notesText(*u).c_str());
        // The root is on the signer's path: the finding still verifies.
        install("trust-no-evidence", "trust-no-evidence-upgraded", u->policyJson);
        const Verdict v = f->verify(findingBundle, "trust-no-evidence-upgraded");
        QVERIFY2(v.trusted(), reasonsText(v).c_str());
    }

    // No evidence, two roots: which CA issues the name is unknown, and version 2 has no unpinned form.
    void noEvidenceWithTwoRootsFails() {
        auto u = upgrade("trust-two-roots", {});
        QVERIFY(!u.hasValue());
        QCOMPARE(u.error().code, ErrorCode::Invalid);
        QVERIFY2(u.error().message.find("'omi-inference.vendor-a.example' (findingSigners of "
                                        "'ecg-omi-detector' '2.1.0')") != std::string::npos,
                 u.error().message.c_str());
        QVERIFY(u.error().message.find("2 roots") != std::string::npos);
        QVERIFY(u.error().message.find("evidence") != std::string::npos);
        // The model signer is not named: models/*.sig pins it.
        QVERIFY(u.error().message.find("Vendor A Model Signing") == std::string::npos);
    }

    void alreadyVersion2IsRefused() {
        VerifyFixture::PolicyOptions o;
        o.policyVersion = 2;
        o.modelSigners = {std::string("cn:") + TestPki::kModelSigner};
        o.findingSigners = {std::string("dns:") + TestPki::kFindingSigner};
        QVERIFY(f->writeTrustStore("trust-v2", o));
        auto u = upgrade("trust-v2", {findingEvidence});
        QVERIFY(!u.hasValue());
        QVERIFY2(u.error().message.find("already version 2") != std::string::npos, u.error().message.c_str());
    }

    // Evidence that does not authenticate today shows nothing: expired, revoked, under an unknown root, or
    // not a certificate at all. Each is named in a note, and none pins anything.
    void evidenceThatDoesNotVerifyIsIgnored() {
        const auto expired = writeEvidence("expired.finding.json", f->sign(pki().expired));
        const auto revoked =
            writeEvidence("revoked.chain.pem", pki().revoked.cert.pem() + pki().inter.cert.pem());
        const auto unknown = writeEvidence("unknown.finding.json", f->sign(pki().unknownLeaf));
        const auto garbage = writeEvidence("notes.txt", "not a certificate\n");
        auto u = upgrade("trust", {expired, revoked, unknown, garbage});
        QVERIFY2(u.hasValue(), u ? "" : u.error().message.c_str());
        QCOMPARE(rulesText(u->policy.models[0].findingSigners),
                 "dns:omi-inference.vendor-a.example@" + rootPin);
        for (const char* name :
             {"expired.finding.json", "revoked.chain.pem", "unknown.finding.json", "notes.txt"}) {
            QVERIFY2(hasNote(*u, Severity::Review,
                             std::string("Not evidence: '") + (f->root / "evidence" / name).string()),
                     notesText(*u).c_str());
        }
        QVERIFY2(hasNote(*u, Severity::Review, "not valid at"), notesText(*u).c_str());
        QVERIFY2(hasNote(*u, Severity::Review, "revoked"), notesText(*u).c_str());
        // With two roots it cannot fall back to the root: the error names what did not count.
        auto two = upgrade("trust-two-roots", {expired, revoked});
        QVERIFY(!two.hasValue());
        QVERIFY2(two.error().message.find("expired.finding.json") != std::string::npos,
                 two.error().message.c_str());
        // A path that is not there is an error, not a note (a typo must not pass for "no evidence").
        auto missing = upgrade("trust", {f->root / "evidence" / "no-such.finding.json"});
        QVERIFY(!missing.hasValue());
        QCOMPARE(missing.error().code, ErrorCode::Unreadable);
    }

    // A PEM chain (leaf first) and a folder searched for finding bundles are evidence too.
    void pemChainsAndFoldersAreEvidence() {
        const auto chain =
            writeEvidence("finding.chain.pem", pki().finding.cert.pem() + pki().inter.cert.pem());
        auto u = upgrade("trust-two-roots", {chain});
        QVERIFY2(u.hasValue(), u ? "" : u.error().message.c_str());
        QCOMPARE(rulesText(u->policy.models[0].findingSigners),
                 "dns:omi-inference.vendor-a.example@" + interPin);
        auto folder = upgrade("trust-two-roots", {findingEvidence.parent_path()});
        QVERIFY2(folder.hasValue(), folder ? "" : folder.error().message.c_str());
        QCOMPARE(rulesText(folder->policy.models[0].findingSigners),
                 "dns:omi-inference.vendor-a.example@" + interPin);
    }

    // What version 2 will refuse is said before it is installed: a signer certificate without an extended key
    // usage (version 1 accepts it), and findings bound by a header-blind v1 DICOM method.
    void warnsOfWhatVersion2WillRefuse() {
        auto key = PrivateKey::generate(KeyType::EcP256, 0);
        QVERIFY(key.hasValue());
        CertificateSpec spec;
        spec.commonName = TestPki::kFindingSigner;
        spec.organization = "Veridicor Test";
        spec.dnsNames = {TestPki::kFindingSigner};
        spec.uris = {"https://vendor-a.example/inference"};
        spec.notBefore = pki().now - days(1);
        spec.notAfter = pki().now + days(100);
        auto cert = issueCertificate(spec, *key, &pki().inter.cert, pki().inter.key);
        QVERIFY(cert.hasValue());
        const auto chain = writeEvidence("no-eku.chain.pem", cert->pem() + pki().inter.cert.pem());

        FindingSignOptions v1Method;
        v1Method.method = DigestMethod::DicomWaveformV1;
        auto blind = signFinding(pki().identity(pki().finding), ecgPredicate(f->modelDigest, f->producedAt()),
                                 f->input, f->root / "bundles", v1Method);
        QVERIFY2(blind.hasValue(), blind ? "" : blind.error().message.c_str());
        const auto blindPath = writeEvidence("blind.finding.json", *blind);

        auto u = upgrade("trust", {chain, blindPath});
        QVERIFY2(u.hasValue(), u ? "" : u.error().message.c_str());
        QVERIFY(u->needsDecision());
        QVERIFY2(hasNote(*u, Severity::Warning, "has no extended key usage"), notesText(*u).c_str());
        QVERIFY2(hasNote(*u, Severity::Info, "'uri:https://vendor-a.example/inference'"),
                 notesText(*u).c_str());
        QVERIFY2(hasNote(*u, Severity::Warning, "bound by a version 1 DICOM digest method"),
                 notesText(*u).c_str());
        QCOMPARE(rulesText(u->policy.models[0].findingSigners),
                 "dns:omi-inference.vendor-a.example@" + interPin);

        // A model that lists its methods keeps them, and is not warned about.
        VerifyFixture::PolicyOptions o;
        o.inputDigestMethods = {"dicom-waveform-v2", "dicom-waveform-v1"};
        QVERIFY(f->writeTrustStore("trust-methods", o));
        auto listed = upgrade("trust-methods", {findingEvidence});
        QVERIFY2(listed.hasValue(), listed ? "" : listed.error().message.c_str());
        QCOMPARE(listed->policy.models[0].inputDigestMethods,
                 (std::vector<DigestMethod>{DigestMethod::DicomWaveformV2, DigestMethod::DicomWaveformV1}));
        QVERIFY(!hasNote(*listed, Severity::Review, "no inputDigestMethods"));
    }

    // ---- the command
    // ---------------------------------------------------------------------------------------

    void cliWritesThePolicyAndPrintsTheNotes() {
        QVERIFY2(QFileInfo::exists(cli()), "veridicor-cli is not built");
        const auto before = readAll(f->trustDir("trust") / "policy.json");
        const auto out = f->root / "cli" / "policy.json";
        std::filesystem::create_directories(out.parent_path());
        const Run r =
            run({QStringLiteral("policy-upgrade"), QStringLiteral("--trust"), q(f->trustDir("trust")),
                 QStringLiteral("-o"), q(out), QStringLiteral("--evidence"), q(findingEvidence),
                 QStringLiteral("--at"), QString::fromStdString(formatRfc3339(pki().now))});
        QVERIFY2(r.exitCode == 0, r.err.c_str());
        QVERIFY2(r.out.find("info: 'omi-inference.vendor-a.example' (findingSigners of 'ecg-omi-detector' "
                            "'2.1.0') → 'dns:omi-inference.vendor-a.example'") != std::string::npos,
                 r.out.c_str());
        QVERIFY2(r.out.find("Wrote '" + out.string() + "'") != std::string::npos, r.out.c_str());
        QCOMPARE(readAll(f->trustDir("trust") / "policy.json"), before); // the store's own file is untouched
        auto written = parsePolicy(readAll(out));
        QVERIFY2(written.hasValue(), written ? "" : written.error().message.c_str());
        QCOMPARE(rulesText(written->models[0].findingSigners),
                 "dns:omi-inference.vendor-a.example@" + interPin);
        QCOMPARE(rulesText(written->models[0].modelSigners), "cn:Vendor A Model Signing@" + interPin);

        // Replacing the store's policy.json is allowed when -o names it.
        install("trust", "trust-cli-inplace", before);
        const auto inPlace = f->trustDir("trust-cli-inplace") / "policy.json";
        const Run r2 = run({QStringLiteral("policy-upgrade"), QStringLiteral("--trust"),
                            q(f->trustDir("trust-cli-inplace")), QStringLiteral("-o"), q(inPlace),
                            QStringLiteral("--evidence"), q(findingEvidence)});
        QVERIFY2(r2.exitCode == 0, r2.err.c_str());
        auto ts = TrustStore::load(f->trustDir("trust-cli-inplace"));
        QVERIFY2(ts.hasValue(), ts ? "" : ts.error().message.c_str());
        QCOMPARE(ts->policy().policyVersion, 2);
        // Run again on the upgraded store: refused.
        const Run again = run({QStringLiteral("policy-upgrade"), QStringLiteral("--trust"),
                               q(f->trustDir("trust-cli-inplace")), QStringLiteral("-o"), q(inPlace)});
        QCOMPARE(again.exitCode, 2);
        QVERIFY2(again.err.find("already version 2") != std::string::npos, again.err.c_str());
    }

    void cliFailsWithExitTwo() {
        QVERIFY2(QFileInfo::exists(cli()), "veridicor-cli is not built");
        const auto out = f->root / "cli" / "unpinned.json";
        const Run r = run({QStringLiteral("policy-upgrade"), QStringLiteral("--trust"),
                           q(f->trustDir("trust-two-roots")), QStringLiteral("-o"), q(out)});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.find("cannot pin 'omi-inference.vendor-a.example'") != std::string::npos,
                 r.err.c_str());
        QVERIFY2(r.err.find("--evidence PATH") != std::string::npos, r.err.c_str());
        QVERIFY(!std::filesystem::exists(out)); // nothing half-made is written
        const Run noOutput =
            run({QStringLiteral("policy-upgrade"), QStringLiteral("--trust"), q(f->trustDir("trust"))});
        QCOMPARE(noOutput.exitCode, 2);
        const Run noStore = run({QStringLiteral("policy-upgrade"), QStringLiteral("--trust"),
                                 q(f->root / "no-such-store"), QStringLiteral("-o"), q(out)});
        QCOMPARE(noStore.exitCode, 2);
        const Run help = run({QStringLiteral("--help")});
        QVERIFY(help.out.find("policy-upgrade") != std::string::npos);
    }

    // The demo PKI's policy is version 2 already: a version 1 rewrite of it (same models, plain names)
    // upgrades back to the demo's own rules, given the finding signers' chains as evidence (the model signer
    // is pinned from models/*.sig). The other demo signers' chains are not evidence.
    void demoRoundTrip() {
        QVERIFY2(QFileInfo::exists(cli()), "veridicor-cli is not built");
        const auto demo = f->root / "demo";
        const Run made = run({QStringLiteral("make-demo-pki"), q(demo)});
        QVERIFY2(made.exitCode == 0, made.err.c_str());
        auto demoPolicy = parsePolicy(readAll(demo / "trust" / "policy.json"));
        QVERIFY2(demoPolicy.hasValue(), demoPolicy ? "" : demoPolicy.error().message.c_str());
        QCOMPARE(demoPolicy->policyVersion, 2);

        // The version 1 rewrite.
        const auto v1Store = f->root / "demo-v1";
        std::filesystem::remove_all(v1Store);
        std::filesystem::copy(demo / "trust", v1Store, std::filesystem::copy_options::recursive);
        json::Value models = json::Value::array();
        for (const auto& m : demoPolicy->models) {
            json::Value e = json::Value::object();
            e.set("name", json::Value::string(m.name));
            e.set("version", json::Value::string(m.version));
            e.set("digest", json::Value::string(m.digest));
            json::Value modalities = json::Value::array();
            for (const auto& x : m.modalities) {
                modalities.push(json::Value::string(x));
            }
            e.set("modalities", std::move(modalities));
            for (const auto& [key, rules] :
                 {std::pair<const char*, const std::vector<SignerRule>*>{"modelSigners", &m.modelSigners},
                  {"findingSigners", &m.findingSigners}}) {
                json::Value names = json::Value::array();
                for (const auto& r : *rules) {
                    names.push(json::Value::string(r.identity.substr(r.identity.find(':') + 1)));
                }
                e.set(key, std::move(names));
            }
            models.push(std::move(e));
        }
        json::Value v1 = json::Value::object();
        v1.set("policyVersion", json::Value::integer(1));
        v1.set("revocation", json::Value::string("require"));
        v1.set("models", std::move(models));
        writeAll(v1Store / "policy.json", json::serialize(v1));
        auto v1Check = TrustStore::load(v1Store);
        QVERIFY2(v1Check.hasValue(), v1Check ? "" : v1Check.error().message.c_str());
        QCOMPARE(v1Check->policy().policyVersion, 1);

        const auto out = f->root / "demo-upgraded.json";
        const auto signers = demo / "signers";
        const Run r = run({QStringLiteral("policy-upgrade"), QStringLiteral("--trust"), q(v1Store),
                           QStringLiteral("-o"), q(out), QStringLiteral("--evidence"),
                           q(signers / "finding-signer.chain.pem"), QStringLiteral("--evidence"),
                           q(signers / "finding-signer-ed25519.chain.pem"), QStringLiteral("--evidence"),
                           q(signers / "revoked-signer.chain.pem"), QStringLiteral("--evidence"),
                           q(signers / "unknown-signer.chain.pem")});
        QVERIFY2(r.exitCode == 0, (r.err + r.out).c_str());
        QVERIFY2(r.out.find("review: Not evidence: '" + (signers / "revoked-signer.chain.pem").string()) !=
                     std::string::npos,
                 r.out.c_str());
        QVERIFY2(r.out.find("review: Not evidence: '" + (signers / "unknown-signer.chain.pem").string()) !=
                     std::string::npos,
                 r.out.c_str());
        QVERIFY2(r.out.find("WARNING") == std::string::npos, r.out.c_str());
        auto upgraded = parsePolicy(readAll(out));
        QVERIFY2(upgraded.hasValue(), upgraded ? "" : upgraded.error().message.c_str());
        QCOMPARE(upgraded->policyVersion, 2);
        QCOMPARE(upgraded->revocation, demoPolicy->revocation);
        QCOMPARE(upgraded->models.size(), demoPolicy->models.size());
        for (std::size_t i = 0; i < demoPolicy->models.size(); ++i) {
            const auto& want = demoPolicy->models[i];
            const auto& got = upgraded->models[i];
            QCOMPARE(got.name, want.name);
            QCOMPARE(got.version, want.version);
            QCOMPARE(got.digest, want.digest);
            QCOMPARE(got.modalities, want.modalities);
            QCOMPARE(rulesText(got.modelSigners), rulesText(want.modelSigners));
            QCOMPARE(rulesText(got.findingSigners), rulesText(want.findingSigners));
        }
    }
};

QTEST_GUILESS_MAIN(TestPolicyUpgrade)
#include "tst_policy_upgrade.moc"
