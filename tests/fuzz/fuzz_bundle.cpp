// libFuzzer target for the hostile-input surface of verify/: the strict JSON reader, base64, RFC 3339 times,
// the Sigstore/DSSE bundle reader (through the full Verifier, against a real trust store made at start-up),
// the finding and OMS statement readers and policy.json (version 1 and 2), with Revision 2's fields (RFC 3161
// timestamps, input.attributes, typed signers pinned to CAs). Invariants are checked, not only crashes:
//   - whatever parses re-serializes to a document that parses to the same value;
//   - whatever base64 decodes re-encodes (standard alphabet) to something that decodes to the same bytes;
//   - no input is ever trusted (the fuzzer cannot forge a signature).
// VERIDICOR_FUZZ_WRITE_SEEDS=<dir> writes a seed corpus (a valid bundle, an OMS bundle, a policy) and exits.
#include <veridicor/verify/encoding.h>
#include <veridicor/verify/finding.h>
#include <veridicor/verify/json.h>
#include <veridicor/verify/oms.h>
#include <veridicor/verify/pki.h>
#include <veridicor/verify/signer.h>
#include <veridicor/verify/trust_store.h>
#include <veridicor/verify/verifier.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>

#include <unistd.h>

using namespace veridicor::verify;

namespace {

struct World {
    std::optional<Verifier> verifier;
    InputData input;
    TimePoint at{};
};

World* g_world = nullptr;

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "fuzz_bundle: %s\n", what);
    std::abort();
}

void setUp() {
    const TimePoint t = now();
    const auto dir =
        std::filesystem::temp_directory_path() / ("veridicor-fuzz-" + std::to_string(::getpid()));
    auto pki = writeDemoPki(dir, t);
    if (!pki) {
        die(pki.error().message.c_str());
    }
    auto store = TrustStore::load(pki->trustStore);
    if (!store) {
        die(store.error().message.c_str());
    }
    g_world = new World();
    g_world->verifier.emplace(*store);
    g_world->at = t;
    g_world->input.method = DigestMethod::DicomWaveformV2;
    g_world->input.digest = std::string(64, 'a');
    g_world->input.digests = {{DigestMethod::DicomWaveformV2, std::string(64, 'a')},
                              {DigestMethod::DicomWaveformV1, std::string(64, 'b')}};
    // Attribute digests, so that seeds carry input.attributes and the naming of differences is fuzzed.
    g_world->input.attributes = {{"0008,0016", std::string(64, 'c')},
                                 {"5400,0100", std::string(64, 'd')},
                                 {"5400,0100[0]/003A,001A", std::string(64, 'e')}};
    g_world->input.subjectName = "1.2.3";
    g_world->input.sopInstanceUID = "1.2.3";
    g_world->input.studyInstanceUID = "1.2.4";
    g_world->input.seriesInstanceUID = "1.2.5";
    g_world->input.modality = "ECG";
    g_world->input.kind = "DICOM waveform";

    if (const char* seeds = std::getenv("VERIDICOR_FUZZ_WRITE_SEEDS")) {
        const std::filesystem::path out(seeds);
        std::filesystem::create_directories(out);
        auto id = SigningIdentity::load(pki->signers / "finding-signer.key.pem",
                                        pki->signers / "finding-signer.chain.pem");
        const std::string attachmentDir = (dir / "attachments").string();
        (void)writeTextFile(dir / "attachments" / "f1.u8", std::string(4, '\x01'));
        auto pred = json::parse(
            "{\"model\": {\"name\": \"ecg-omi-detector\", \"version\": \"2.1.0\", \"digest\": "
            "{\"sha256\": \"" +
            pki->ecgModelDigest + "\"}}, \"producedAt\": \"" +
            formatRfc3339(std::chrono::floor<std::chrono::seconds>(t)) +
            "\", \"input\": {\"modality\": \"ECG\"}, \"findings\": [{\"id\": \"f1\", \"code\": "
            "{\"scheme\": \"SCT\", \"value\": \"1\", \"meaning\": \"m\"}, \"text\": \"t\", "
            "\"confidence\": 0.5, \"region\": {\"kind\": \"ecg\", \"leads\": [\"I\"], "
            "\"startSeconds\": 0, \"endSeconds\": 1}, \"explanation\": {\"attachment\": \"f1.u8\"}, "
            "\"measurements\": [{\"name\": \"n\", \"value\": 1, \"unit\": \"mV\"}]}], "
            "\"attachments\": [{\"name\": \"f1.u8\", \"mediaType\": "
            "\"application/vnd.veridicor.ecg-relevance\", \"leads\": [\"I\", \"II\"], \"samples\": 2}]}");
        auto bundle = signFinding(*id, *pred, g_world->input, attachmentDir);
        if (!bundle) {
            die(bundle.error().message.c_str());
        }
        (void)writeTextFile(out / "finding-bundle.json", *bundle);
        // Revision 2 seeds: a bundle with an RFC 3161 timestamp (of the demo TSA, which the trust store
        // trusts) and input.attributes; a header-blind v1 binding.
        FindingSignOptions stamped;
        auto tsa = TimestampAuthority::load(pki->signers / "tsa.key.pem", pki->signers / "tsa.chain.pem");
        if (!tsa) {
            die(tsa.error().message.c_str());
        }
        stamped.timestamp = std::move(*tsa);
        auto withToken = signFinding(*id, *pred, g_world->input, attachmentDir, stamped);
        FindingSignOptions v1;
        v1.method = DigestMethod::DicomWaveformV1;
        auto headerBlind = signFinding(*id, *pred, g_world->input, attachmentDir, v1);
        if (!withToken || !headerBlind) {
            die("signing the revision 2 seeds failed");
        }
        (void)writeTextFile(out / "finding-bundle-timestamped.json", *withToken);
        (void)writeTextFile(out / "finding-bundle-v1.json", *headerBlind);
        const std::string payload =
            *base64Decode(json::parse(*bundle)->find("dsseEnvelope")->find("payload")->asString());
        (void)writeTextFile(out / "finding-statement.json", payload);
        for (const auto& f : std::filesystem::directory_iterator(pki->trustStore / "models")) {
            const std::string oms = *readFileBounded(f.path(), 1 << 20);
            (void)writeTextFile(out / ("oms-" + f.path().filename().string()), oms);
            (void)writeTextFile(
                out / ("oms-statement-" + f.path().filename().string()),
                *base64Decode(json::parse(oms)->find("dsseEnvelope")->find("payload")->asString()));
        }
        (void)writeTextFile(out / "policy.json", *readFileBounded(pki->trustStore / "policy.json", 1 << 20));
        (void)writeTextFile(out / "policy-v1.json",
                            "{\"policyVersion\": 1, \"revocation\": \"if-available\", \"models\": [{\"name\": "
                            "\"m\", \"version\": \"1\", \"digest\": \"" +
                                std::string(64, 'a') +
                                "\", \"modalities\": [\"ECG\"], \"inputDigestMethods\": "
                                "[\"dicom-waveform-v2\"], \"modelSigners\": [\"Vendor\"], "
                                "\"findingSigners\": [\"signer.example\"]}]}");
        std::filesystem::remove_all(dir);
        std::exit(0);
    }
    std::filesystem::remove_all(dir);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    setUp();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    if (auto v = json::parse(text)) {
        const std::string again = json::serialize(*v);
        auto w = json::parse(again);
        if (!w || !(*w == *v) || json::serialize(*w) != again) {
            die("serialize/parse round trip changed the document");
        }
    } else if (v.error().offset > size) {
        die("parse error offset beyond the input");
    }

    if (auto bytes = base64Decode(text)) {
        auto again = base64Decode(base64Encode(*bytes));
        if (!again || *again != *bytes) {
            die("base64 round trip changed the bytes");
        }
    }

    if (auto t = parseRfc3339(text)) {
        if (parseRfc3339(formatRfc3339(*t)) != t) {
            die("RFC 3339 round trip changed the time");
        }
    }

    (void)parseFindingStatement(text);
    (void)parseOmsStatement(text);
    (void)parsePolicy(text);

    const Verdict verdict = g_world->verifier->verify(text, g_world->input, g_world->at, {});
    if (verdict.trusted() || verdict.reasons.empty()) {
        die("an input that nobody signed verified as trusted");
    }
    (void)verdictToJson(verdict);
    return 0;
}
