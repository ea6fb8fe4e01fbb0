// Finding discovery and routing (verify/finding_discovery.h): which finding files are found, which recording
// each is verified against — (a) by file name, (b) by the authenticated subject, (c) the recording on screen
// — and that an unauthenticated bundle is never interpreted, not even to route it.
#include "authenticate.h" // verify/src: the authentication observer (a test hook)
#include "verify_fixture.h"

#include <veridicor/verify/finding_discovery.h>
#include <veridicor/verify/signer.h>

#include <QtTest>

#include <fstream>
#include <map>

using namespace veridicor;
using namespace veridicor::test;
namespace fs = std::filesystem;

namespace {
/// SHA-256 of every finding bundle authenticateBundle() was given while the observer was set, in order.
std::vector<std::string> g_authenticated;

void recordAuthentication(std::string_view bytes, std::string_view what) {
    if (what == "finding") {
        g_authenticated.push_back(qtSha256(std::string(bytes)));
    }
}

/// Observes authentications for as long as it lives.
struct AuthenticationCount {
    AuthenticationCount() {
        g_authenticated.clear();
        verify::detail::setAuthenticationObserver(&recordAuthentication);
    }
    ~AuthenticationCount() { verify::detail::setAuthenticationObserver(nullptr); }
    AuthenticationCount(const AuthenticationCount&) = delete;
    AuthenticationCount& operator=(const AuthenticationCount&) = delete;
    AuthenticationCount(AuthenticationCount&&) = delete;
    AuthenticationCount& operator=(AuthenticationCount&&) = delete;
    [[nodiscard]] std::size_t of(const std::string& bytes) const {
        return static_cast<std::size_t>(
            std::count(g_authenticated.begin(), g_authenticated.end(), qtSha256(bytes)));
    }
};
} // namespace

class TestFindingDiscovery : public QObject {
    Q_OBJECT

    std::unique_ptr<VerifyFixture> f;
    std::string relevance;

    /// A study folder with the fixture's recording as `name` and the attachment beside it.
    fs::path study(const std::string& folder, const std::string& name = "ecg.dcm") {
        fs::path dir = f->root / folder;
        fs::create_directories(dir);
        fs::copy_file(f->ecgPath, dir / name, fs::copy_options::overwrite_existing);
        writeAll(dir / "f1-relevance.u8", relevance);
        return dir;
    }

    [[nodiscard]] verify::FindingCheckRequest request(std::vector<fs::path> bundles,
                                                      std::vector<verify::Recording> recordings,
                                                      fs::path shown,
                                                      const std::string& store = "trust") const {
        verify::FindingCheckRequest r;
        r.bundles = std::move(bundles);
        r.recordings = std::move(recordings);
        r.shownRecording = std::move(shown);
        r.trustStore = f->trustDir(store);
        r.at = f->pki.now;
        return r;
    }

private slots:
    void initTestCase() {
        QVERIFY(dicom::initializeDicom().hasValue());
        f = std::make_unique<VerifyFixture>(verify::now());
        QVERIFY2(f->setUp(), "fixture");
        relevance = readAll(f->root / "bundles" / "f1-relevance.u8");
    }

    void findingFileNames() {
        QVERIFY(verify::isFindingFileName("a.finding.json"));
        QVERIFY(verify::isFindingFileName("/x/y/ecg.omi.finding.json"));
        QVERIFY(!verify::isFindingFileName(".finding.json"));
        QVERIFY(!verify::isFindingFileName("a.json"));
        QVERIFY(!verify::isFindingFileName("a.finding.json.bak"));
        QVERIFY(!verify::isFindingFileName("a.FINDING.JSON"));
    }

    void findingFilesInAFolderTree() {
        const fs::path dir = f->root / "tree";
        writeAll(dir / "b.finding.json", "{}");
        writeAll(dir / "a.finding.json", "{}");
        writeAll(dir / "notes.json", "{}");
        writeAll(dir / "sub" / "c.finding.json", "{}");
        fs::create_directories(f->root / "elsewhere");
        writeAll(f->root / "elsewhere" / "d.finding.json", "{}");
        fs::create_directory_symlink(f->root / "elsewhere", dir / "link");
        bool cut = true;
        auto flat = verify::findFindingFiles(dir, false, 100, &cut);
        QCOMPARE(flat, (std::vector<fs::path>{dir / "a.finding.json", dir / "b.finding.json"}));
        QVERIFY(!cut);
        auto deep = verify::findFindingFiles(dir, true);
        QCOMPARE(deep, (std::vector<fs::path>{dir / "a.finding.json", dir / "b.finding.json",
                                              dir / "sub" /
                                                  "c.finding.json"})); // the symlinked folder is not followed
        auto bounded = verify::findFindingFiles(dir, true, 2, &cut);
        QCOMPARE(bounded.size(), std::size_t{2});
        QVERIFY(cut);
        QCOMPARE(verify::findFindingFiles(dir / "a.finding.json", true),
                 (std::vector<fs::path>{dir / "a.finding.json"}));
        QVERIFY(verify::findFindingFiles(dir / "notes.json", true).empty());
        QVERIFY(verify::findFindingFiles(f->root / "missing", true).empty());
    }

    void routingByFileName() {
        const fs::path d = f->root / "names";
        const std::vector<verify::Recording> recs{{d / "ecg.dcm", "1"},
                                                  {d / "a.dcm", "2"},
                                                  {d / "a.b.dcm", "3"},
                                                  {d / "1.2.840.99.7", "4"},
                                                  {f->root / "other" / "x.dcm", "5"}};
        auto route = [&](const std::string& bundle) {
            return verify::recordingNamedBy(d / bundle, recs);
        };
        QCOMPARE(route("ecg.finding.json"), std::optional<std::size_t>(0)); // <base>.finding.json
        QCOMPARE(route("ecg.omi.finding.json"),
                 std::optional<std::size_t>(0)); // <base>.<anything>.finding.json
        QCOMPARE(route("ecg.dcm.finding.json"), std::optional<std::size_t>(0)); // the whole file name
        QCOMPARE(route("ecgx.finding.json"), std::nullopt);                     // not a name boundary
        QCOMPARE(route("a.b.x.finding.json"), std::optional<std::size_t>(2));   // the longest name wins
        QCOMPARE(route("a.x.finding.json"), std::optional<std::size_t>(1));
        QCOMPARE(route("1.2.840.99.7.finding.json"),
                 std::optional<std::size_t>(3));         // a UID-named file, no extension
        QCOMPARE(route("x.finding.json"), std::nullopt); // x.dcm is in another folder
        QCOMPARE(verify::recordingNamedBy(f->root / "other" / "x.finding.json", recs),
                 std::optional<std::size_t>(4));
    }

    void namedAfterAFileThatIsNotOpen() {
        const fs::path dir = study("unopened");
        writeAll(dir / "ecg.finding.json", f->sign(f->pki.finding));
        // ecg.dcm lies beside it but is not open: the finding is its, and is not checked against anything
        // else.
        const fs::path shown = study("shown-elsewhere");
        const auto result = verify::checkFindings(
            request({dir / "ecg.finding.json"}, {{shown / "ecg.dcm", f->ecg.sop}}, shown / "ecg.dcm"));
        QCOMPARE(result.findings.size(), std::size_t{1});
        const auto& cf = result.findings.front();
        QCOMPARE(cf.route, verify::FindingRoute::UnopenedFile);
        QCOMPARE(cf.recording.filename(), fs::path("ecg.dcm"));
        QVERIFY(!cf.verdict.has_value());
        QVERIFY(!cf.trusted());
        QVERIFY(cf.problem.find("not open") != std::string::npos);
        // An attachment named like the bundle is not a recording: it does not capture the finding.
        const fs::path att = f->root / "attachment-name";
        fs::create_directories(att);
        writeAll(att / "f1-relevance.u8", relevance);
        writeAll(att / "f1-relevance.finding.json", f->sign(f->pki.finding));
        QCOMPARE(verify::unopenedFileNamedBy(att / "f1-relevance.finding.json", {}), std::nullopt);
    }

    void routedByNameAndVerified() {
        const fs::path dir = study("by-name");
        writeAll(dir / "ecg.omi.finding.json", f->sign(f->pki.finding));
        const auto result = verify::checkFindings(
            request({dir / "ecg.omi.finding.json"}, {{dir / "ecg.dcm", f->ecg.sop}}, {}));
        QVERIFY(result.trustStoreLoaded);
        const auto& cf = result.findings.front();
        QCOMPARE(cf.route, verify::FindingRoute::FileName);
        QCOMPARE(cf.recording, dir / "ecg.dcm");
        QVERIFY2(cf.trusted(), reasonsText(*cf.verdict).c_str());
        QCOMPARE(result.at, f->pki.now);
    }

    void routedByAuthenticatedSubject() {
        // A finding delivered in its own folder under a vendor's name: its signed subject (the SOP Instance
        // UID) names the second of two open recordings, not the one on screen.
        const fs::path a = study("subject-a");
        SyntheticEcg other = f->ecg;
        other.sop = "1.2.826.0.1.3680043.10.1001.55";
        QVERIFY(other.write(a / "other.dcm", EXS_LittleEndianExplicit, 2));
        const fs::path vendor = f->root / "vendor";
        writeAll(vendor / "f1-relevance.u8", relevance);
        writeAll(vendor / "result-0001.finding.json", f->sign(f->pki.finding));
        const auto result = verify::checkFindings(
            request({vendor / "result-0001.finding.json"},
                    {{a / "other.dcm", other.sop}, {a / "ecg.dcm", f->ecg.sop}}, a / "other.dcm"));
        const auto& cf = result.findings.front();
        QCOMPARE(cf.route, verify::FindingRoute::SignedSubject);
        QCOMPARE(cf.recording, a / "ecg.dcm");
        QVERIFY2(cf.trusted(), reasonsText(*cf.verdict).c_str());
        // Its subject names no open recording: checked against the one on screen, where it does not belong.
        const auto none = verify::checkFindings(
            request({vendor / "result-0001.finding.json"}, {{a / "other.dcm", other.sop}}, a / "other.dcm"));
        QCOMPARE(none.findings.front().route, verify::FindingRoute::ShownRecording);
        QCOMPARE(reasonsText(*none.findings.front().verdict), std::string("DATA_MISMATCH"));
    }

    void unauthenticatedBundleIsNotRoutedByItsSubject() {
        // The same delivery, its text edited after signing: its subject is never read, so it goes to the
        // recording on screen (rule c), not to the recording its subject names.
        const fs::path a = study("unauth");
        SyntheticEcg other = f->ecg;
        other.sop = "1.2.826.0.1.3680043.10.1001.56";
        QVERIFY(other.write(a / "other.dcm", EXS_LittleEndianExplicit, 2));
        const fs::path vendor = f->root / "vendor-tampered";
        writeAll(vendor / "f1-relevance.u8", relevance);
        const std::string signedBundle = f->sign(f->pki.finding);
        std::string p = payloadOf(signedBundle);
        p.replace(p.find("Occlusion MI"), 12, "Tampered MI!");
        writeAll(vendor / "result-0002.finding.json", editBundle(signedBundle, [&](json::Value& d) {
                     d.find("dsseEnvelope")->set("payload", json::Value::string(base64Encode(p)));
                 }));
        const auto result = verify::checkFindings(
            request({vendor / "result-0002.finding.json"},
                    {{a / "other.dcm", other.sop}, {a / "ecg.dcm", f->ecg.sop}}, a / "other.dcm"));
        const auto& cf = result.findings.front();
        QCOMPARE(cf.route, verify::FindingRoute::ShownRecording);
        QCOMPARE(cf.recording, a / "other.dcm");
        QCOMPARE(reasonsText(*cf.verdict), std::string("BAD_SIGNATURE"));
        QVERIFY(!cf.authenticated());
        QVERIFY(!cf.verdict->statement.has_value());
        // An unauthenticated bundle with no recording on screen is not checked at all.
        const auto alone = verify::checkFindings(
            request({vendor / "result-0002.finding.json"}, {{a / "ecg.dcm", f->ecg.sop}}, {}));
        QCOMPARE(alone.findings.front().route, verify::FindingRoute::NoRecording);
        QVERIFY(!alone.findings.front().verdict.has_value());
        QVERIFY(!alone.findings.front().problem.empty());
    }

    void withoutATrustStoreNothingIsTrusted_data() {
        QTest::addColumn<QString>("store");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no folder set") << QString() << QStringLiteral("No trust store folder is set");
        QTest::newRow("missing folder")
            << QStringLiteral("no-such-store") << QStringLiteral("could not be loaded");
        QTest::newRow("damaged policy")
            << QStringLiteral("damaged-store") << QStringLiteral("could not be loaded");
    }
    void withoutATrustStoreNothingIsTrusted() {
        QFETCH(QString, store);
        QFETCH(QString, expected);
        const fs::path dir = study("no-store");
        writeAll(dir / "ecg.finding.json", f->sign(f->pki.finding));
        QVERIFY(f->writeTrustStore("damaged-store", VerifyFixture::PolicyOptions{}));
        writeAll(f->trustDir("damaged-store") / "policy.json", R"({"policyVersion": 1, "models": [)");
        auto r = request({dir / "ecg.finding.json"}, {{dir / "ecg.dcm", f->ecg.sop}}, dir / "ecg.dcm");
        r.trustStore = store.isEmpty() ? fs::path() : f->trustDir(store.toStdString());
        const auto result = verify::checkFindings(r);
        QVERIFY(!result.trustStoreLoaded);
        QVERIFY2(QString::fromStdString(result.trustStoreProblem).contains(expected),
                 result.trustStoreProblem.c_str());
        const auto& cf = result.findings.front();
        QVERIFY(!cf.trusted());
        QVERIFY(!cf.verdict.has_value()); // not read at all
        QCOMPARE(cf.problem, result.trustStoreProblem);
        QCOMPARE(cf.route, verify::FindingRoute::FileName);
    }

    void oversizedOrUnreadableBundles() {
        const fs::path dir = study("oversized");
        {
            std::ofstream big(dir / "ecg.finding.json", std::ios::binary);
            big.seekp((std::streamoff{64} << 20) + 1);
            big.put('}');
        }
        const auto result =
            verify::checkFindings(request({dir / "ecg.finding.json", dir / "missing.finding.json"},
                                          {{dir / "ecg.dcm", f->ecg.sop}}, dir / "ecg.dcm"));
        QCOMPARE(result.findings.size(), std::size_t{2});
        QVERIFY(result.findings[0].problem.find("64 MiB") != std::string::npos);
        QVERIFY(!result.findings[0].verdict.has_value());
        QVERIFY(result.findings[1].problem.find("could not be read") != std::string::npos);
        QVERIFY(!result.findings[1].trusted());
    }

    void verifiedBytesAreKeptInMemory() {
        // What is displayed comes from the verdict: the statement and the attachment bytes hashed during
        // verification; a change on disk afterwards changes nothing of it.
        const fs::path dir = study("memory");
        writeAll(dir / "ecg.finding.json", f->sign(f->pki.finding));
        const auto result =
            verify::checkFindings(request({dir / "ecg.finding.json"}, {{dir / "ecg.dcm", f->ecg.sop}}, {}));
        const auto& cf = result.findings.front();
        QVERIFY(cf.trusted());
        writeAll(dir / "f1-relevance.u8", std::string(relevance.size(), '\x7f'));
        fs::remove(dir / "ecg.finding.json");
        QCOMPARE(cf.verdict->attachments.size(), std::size_t{1});
        QCOMPARE(cf.verdict->attachments.front().bytes, relevance);
        QCOMPARE(qtSha256(cf.verdict->attachments.front().bytes), cf.verdict->attachments.front().ref.digest);
        QCOMPARE(cf.verdict->statement->findings.front().text, std::string("Occlusion MI, anterior wall"));
    }

    void verifiedBytesInMemoryAreBounded() {
        const fs::path dir = study("budget");
        writeAll(dir / "ecg.a.finding.json", f->sign(f->pki.finding));
        writeAll(dir / "ecg.b.finding.json", f->sign(f->pki.finding));
        const std::vector<fs::path> bundles{dir / "ecg.a.finding.json", dir / "ecg.b.finding.json"};
        const auto all = verify::checkFindings(request(bundles, {{dir / "ecg.dcm", f->ecg.sop}}, {}));
        QVERIFY(all.findings[0].trusted() && all.findings[1].trusted());
        const auto& v = *all.findings[0].verdict;
        const std::size_t one = v.payload.size() + v.attachments.front().bytes.size();
        auto r = request(bundles, {{dir / "ecg.dcm", f->ecg.sop}}, {});
        r.maxTotalBytes = one + one / 2; // room for one bundle's verified bytes, not two
        const auto bounded = verify::checkFindings(r);
        QVERIFY(bounded.findings[0].trusted());
        QVERIFY(!bounded.findings[1].verdict.has_value());
        QVERIFY(!bounded.findings[1].trusted());
        QVERIFY2(bounded.findings[1].problem.find("Set aside") != std::string::npos,
                 bounded.findings[1].problem.c_str());
    }

    void verificationTimeIsTheRequests() {
        const fs::path dir = study("at");
        writeAll(dir / "ecg.finding.json", f->sign(f->pki.finding));
        VerifyFixture::PolicyOptions noCrl;
        noCrl.withCrl = false;
        QVERIFY(f->writeTrustStore("trust-at", noCrl));
        auto r = request({dir / "ecg.finding.json"}, {{dir / "ecg.dcm", f->ecg.sop}}, {}, "trust-at");
        r.at = f->pki.now + std::chrono::days(400); // after the signer's certificate ended
        const auto result = verify::checkFindings(r);
        QCOMPARE(result.at, *r.at);
        QCOMPARE(reasonsText(*result.findings.front().verdict), std::string("CERT_EXPIRED"));
    }

    void aRecordingAlreadyReadIsVerifiedAsGivenNotReadAgain() {
        // The workstation gives the recording on screen as its view holds it: that is what is verified, even
        // if the file has changed on disk since (here: other samples, same UIDs). The other recording is
        // read.
        const fs::path dir = study("given");
        writeAll(dir / "ecg.finding.json", f->sign(f->pki.finding));
        fs::copy_file(dir / "ecg.dcm", dir / "copy.dcm");
        writeAll(dir / "copy.finding.json", f->sign(f->pki.finding));
        SyntheticEcg changed = f->ecg;
        QVERIFY(changed.write(dir / "ecg.dcm", EXS_LittleEndianExplicit, 5));
        QVERIFY(changed.write(dir / "copy.dcm", EXS_LittleEndianExplicit, 5));
        QVERIFY(changed.expectedDigest != *f->input.digestFor(verify::DigestMethod::DicomWaveformV1));
        verify::InputData onScreen = f->input; // what the view read before the file changed
        onScreen.path = dir / "ecg.dcm";
        auto r = request({dir / "copy.finding.json", dir / "ecg.finding.json"},
                         {{dir / "ecg.dcm", f->ecg.sop}, {dir / "copy.dcm", f->ecg.sop}}, dir / "ecg.dcm");
        r.inputs.push_back(onScreen);
        const auto result = verify::checkFindings(r);
        QCOMPARE(result.findings.size(), std::size_t{2});
        const auto& copy = result.findings[0];
        const auto& shown = result.findings[1];
        QCOMPARE(shown.recording, dir / "ecg.dcm");
        QVERIFY2(shown.trusted(), reasonsText(*shown.verdict).c_str());
        QCOMPARE(shown.verdict->input.digest, f->input.digest);
        QCOMPARE(copy.recording, dir / "copy.dcm");
        QCOMPARE(*copy.verdict->input.digestFor(verify::DigestMethod::DicomWaveformV1),
                 changed.expectedDigest); // read from the file
        QCOMPARE(reasonsText(*copy.verdict), std::string("DATA_MISMATCH"));
    }
    void eachBundleIsAuthenticatedOncePerRound() {
        // One round with every route: by name, by authenticated subject (authorized signer and not), not
        // authenticated (to the recording on screen), authenticated but not a statement, and — in a round
        // with nothing on screen — authenticated for rule b and then routed nowhere. Steps 1–3 of each
        // bundle run once, and each verdict is the one Verifier::verify gives for the same bytes and input.
        const fs::path a = study("once");
        SyntheticEcg other = f->ecg;
        other.sop = "1.2.826.0.1.3680043.10.1001.57";
        QVERIFY(other.write(a / "other.dcm", EXS_LittleEndianExplicit, 2));
        const fs::path vendor = f->root / "vendor-once";
        writeAll(vendor / "f1-relevance.u8", relevance);
        const std::string good = f->sign(f->pki.finding);
        std::string tampered = payloadOf(good);
        tampered.replace(tampered.find("Occlusion MI"), 12, "Tampered MI!");
        auto notAStatement = verify::signDsseBundle(f->pki.identity(f->pki.finding), "{\"_type\": 1}");
        QVERIFY(notAStatement.hasValue());
        const std::map<std::string, std::string> files{
            {"ecg.finding.json", good},
            {"result-subject.finding.json", good},
            {"result-unauthorized.finding.json", f->sign(f->pki.other)},
            {"result-tampered.finding.json",
             editBundle(
                 good,
                 [&](json::Value& d) {
                     d.find("dsseEnvelope")->set("payload", json::Value::string(base64Encode(tampered)));
                 })},
            {"result-not-a-statement.finding.json", *notAStatement},
        };
        std::vector<fs::path> bundles;
        for (const auto& [name, bytes] : files) {
            const fs::path p = (name == "ecg.finding.json" ? a : vendor) / name;
            writeAll(p, bytes);
            bundles.push_back(p);
        }
        const std::vector<verify::Recording> open{{a / "other.dcm", other.sop}, {a / "ecg.dcm", f->ecg.sop}};
        std::optional<verify::FindingCheckResult> result;
        {
            const AuthenticationCount count;
            result = verify::checkFindings(request(bundles, open, a / "other.dcm"));
            QCOMPARE(g_authenticated.size(), bundles.size()); // one each
            QCOMPARE(count.of(good), std::size_t{2});         // the same bytes under two names
            for (const auto& [name, bytes] : files) {
                if (bytes != good) {
                    QVERIFY2(count.of(bytes) == 1, name.c_str());
                }
            }
        }
        std::map<std::string, verify::FindingRoute> routes;
        for (const auto& cf : result->findings) {
            routes[cf.bundle.filename().string()] = cf.route;
        }
        QCOMPARE(routes["ecg.finding.json"], verify::FindingRoute::FileName);
        QCOMPARE(routes["result-subject.finding.json"], verify::FindingRoute::SignedSubject);
        QCOMPARE(routes["result-unauthorized.finding.json"], verify::FindingRoute::SignedSubject);
        QCOMPARE(routes["result-tampered.finding.json"], verify::FindingRoute::ShownRecording);
        QCOMPARE(routes["result-not-a-statement.finding.json"], verify::FindingRoute::ShownRecording);

        // The same verdicts, byte for byte, as a direct verification of each bundle against its recording.
        const verify::Verifier direct(*verify::TrustStore::load(f->trustDir()));
        for (const auto& cf : result->findings) {
            QVERIFY2(cf.verdict.has_value(), cf.problem.c_str());
            auto input = verify::openInput(cf.recording);
            QVERIFY(input.hasValue());
            const verify::Verdict expected =
                direct.verify(readAll(cf.bundle), *input, result->at,
                              verify::attachmentsFromFolder(cf.bundle.parent_path()));
            QCOMPARE(verify::verdictToJson(*cf.verdict), verify::verdictToJson(expected));
        }
        QVERIFY(result->findings[0].trusted() || result->findings[1].trusted());

        // Nothing on screen: an authenticated bundle whose subject names nothing open is authenticated for
        // rule b, routed nowhere, and not authenticated again.
        const AuthenticationCount count;
        const auto nowhere = verify::checkFindings(
            request({vendor / "result-subject.finding.json"}, {{a / "other.dcm", other.sop}}, {}));
        QCOMPARE(nowhere.findings.front().route, verify::FindingRoute::NoRecording);
        QVERIFY(!nowhere.findings.front().verdict.has_value());
        QCOMPARE(count.of(good), std::size_t{1});
    }

    void anAuthenticatedBundleIsFinishedByItsOwnVerifier() {
        auto store = verify::TrustStore::load(f->trustDir());
        QVERIFY(store.hasValue());
        const verify::Verifier verifier(*store);
        // NOLINTNEXTLINE(performance-unnecessary-copy-initialization): a copy is what this test is about.
        const verify::Verifier copy = verifier; // shares what the original remembers: the same trust store
        const verify::Verifier another(*store); // the same files, but another verifier
        const std::string bundle = f->sign(f->pki.finding);
        const auto reader = verify::attachmentsFromFolder(f->root / "bundles");
        const std::string direct =
            verify::verdictToJson(verifier.verify(bundle, f->input, f->pki.now, reader));
        auto authenticated = verifier.authenticate(bundle, f->pki.now);
        QVERIFY(authenticated.authentic());
        QCOMPARE(*authenticated.subjectName(), f->ecg.sop);
        QCOMPARE(authenticated.at(), f->pki.now);
        QCOMPARE(verify::verdictToJson(verifier.verify(std::move(authenticated), f->input, reader)), direct);
        QCOMPARE(
            verify::verdictToJson(copy.verify(verifier.authenticate(bundle, f->pki.now), f->input, reader)),
            direct);
        const verify::Verdict foreign =
            another.verify(verifier.authenticate(bundle, f->pki.now), f->input, reader);
        QVERIFY(!foreign.trusted());
        QCOMPARE(reasonsText(foreign), std::string("UNTRUSTED_CHAIN"));
        QVERIFY(!foreign.statement.has_value());
        QVERIFY(foreign.payload.empty());
        // A bundle that does not authenticate has no subject.
        QVERIFY(verifier.authenticate("{}", f->pki.now).subjectName() == nullptr);
    }
};

QTEST_GUILESS_MAIN(TestFindingDiscovery)
#include "tst_finding_discovery.moc"
