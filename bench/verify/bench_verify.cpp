// bench_verify — speed figures for verify/ (printed, never asserted):
//   1. one ECG finding bundle verified end to end (load the DICOM, hash its waveform, chain, signature, model
//      provenance, attachments), and the share spent hashing the input;
//   2. SHA-256 input hashing throughput against `openssl dgst -sha256` on the same bytes, in the same run;
//   3. verifications per second on one core for a bundle with a P-256 signer and one with an Ed25519 signer;
//   4. hostile bundles (R2: no bundle costs more than 1 s): each worst case a dropped file can be, built in
//      memory up to the 64 MiB limit and just under each value limit, and the time of Verifier::verify on it.
// Usage: bench_verify [--hostile-only] [path/to/ecg.dcm] (default: ../shared/data/ecg/wave_dfl.dcm when
// present); --hostile-only runs section 4 alone, --only TEXT only its cases whose name holds TEXT, --repeat N
// verifies each case N times (default 3) for profiling, --write DIR also writes each case there (to run it
// through `veridicor-cli verify`).
#include <veridicor/dicom/dicom_env.h>
#include <veridicor/dicom/load.h>
#include <veridicor/verify/encoding.h>
#include <veridicor/verify/input_digest.h>
#include <veridicor/verify/json.h>
#include <veridicor/verify/pki.h>
#include <veridicor/verify/signer.h>
#include <veridicor/verify/verifier.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <unistd.h>

using namespace veridicor;
using namespace veridicor::verify;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

[[noreturn]] void die(const std::string& what) {
    static_cast<void>(std::fprintf(stderr, "bench_verify: %s\n", what.c_str()));
    std::exit(1);
}

std::string predicateFor(const std::string& modelDigest, TimePoint t, std::size_t samples) {
    return R"({"model": {"name": "ecg-omi-detector", "version": "2.1.0", "digest": {"sha256": ")" +
           modelDigest + R"("}}, "producedAt": ")" +
           formatRfc3339(std::chrono::floor<std::chrono::seconds>(t)) +
           "\", \"input\": {\"modality\": \"ECG\"}, \"findings\": [{\"id\": \"f1\", \"code\": {\"scheme\": "
           "\"SCT\", "
           "\"value\": \"401303003\", \"meaning\": \"Acute ST segment elevation myocardial infarction\"}, "
           "\"text\": "
           "\"Occlusion MI, anterior wall\", \"confidence\": 0.93, \"region\": {\"kind\": \"ecg\", "
           "\"leads\": [\"V2\", "
           "\"V3\", \"V4\"], \"startSeconds\": 1.2, \"endSeconds\": 3.4}, \"explanation\": {\"attachment\": "
           "\"f1-relevance.u8\"}}], \"attachments\": [{\"name\": \"f1-relevance.u8\", \"mediaType\": "
           "\"application/vnd.veridicor.ecg-relevance\", \"leads\": [\"I\", \"II\", \"III\", \"aVR\", "
           "\"aVL\", \"aVF\", "
           "\"V1\", \"V2\", \"V3\", \"V4\", \"V5\", \"V6\"], \"samples\": " +
           std::to_string(samples) + "}]}";
}

// ---- 4. Hostile bundles
// Anyone can drop a file next to a study, and anyone with a certificate under a trusted root can sign a
// statement: each case below is the worst a file of at most 64 MiB can be for one part of the verifier, built
// just under the limit that bounds that part (64 MiB, 2,000,000 JSON values, depth 64, the statement bounds).

constexpr std::size_t kMaxBytes = std::size_t{64} << 20; // kMaxBundleBytes
std::string g_only;                                      // --only: the cases whose name holds this
int g_repeat = 3;              // --repeat: verifications per case (the median is printed)
std::filesystem::path g_write; // --write: each case is also written there, as case-NN.finding.json
constexpr std::size_t kValueBudget = 1'999'900; // the parser's 2,000,000 values, less the envelope's

struct Hostile {
    std::string name;
    std::function<std::string()> make; ///< built only when it is timed, and freed after
};

/// `prefix` + unit(0) + sep + unit(1) + … + `suffix`, as many units as fit in `limit` bytes and at most
/// `maxUnits`.
template <typename Unit>
std::string repeated(const std::string& prefix, const std::string& sep, const std::string& suffix,
                     std::size_t maxUnits, Unit unit, std::size_t limit = kMaxBytes) {
    std::string out = prefix;
    out.reserve(limit);
    std::string one;
    for (std::size_t i = 0; i < maxUnits; ++i) {
        one.clear();
        unit(i, one);
        if (out.size() + (i > 0 ? sep.size() : 0) + one.size() + suffix.size() > limit) {
            break;
        }
        if (i > 0) {
            out += sep;
        }
        out += one;
    }
    out += suffix;
    return out;
}

/// A real signed bundle taken apart, to put hostile content in one place of an otherwise valid bundle.
struct BundleParts {
    std::string certificates; ///< the "certificates" array, as JSON
    std::string payload;      ///< base64
    std::string signature;    ///< base64

    static BundleParts of(const std::string& bundle) {
        auto doc = json::parse(bundle);
        if (!doc) {
            die("the benchmark bundle is not JSON");
        }
        const json::Value* vm = doc->find("verificationMaterial");
        const json::Value* env = doc->find("dsseEnvelope");
        return {json::serialize(*vm->find("x509CertificateChain")->find("certificates")),
                env->find("payload")->asString(),
                env->find("signatures")->asArray().front().find("sig")->asString()};
    }
    /// The bundle up to the value of verificationMaterial.tlogEntries, and what follows it.
    [[nodiscard]] std::pair<std::string, std::string> aroundTlog() const {
        return {R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{)"
                R"("x509CertificateChain":{"certificates":)" +
                    certificates + R"(},"tlogEntries":)",
                R"(},"dsseEnvelope":{"payload":")" + payload +
                    R"(","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":")" + signature +
                    R"("}]}})"};
    }
    /// Around the value of verificationMaterial.x509CertificateChain.certificates.
    [[nodiscard]] std::pair<std::string, std::string> aroundCertificates() const {
        return {R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{)"
                R"("x509CertificateChain":{"certificates":)",
                R"(},"tlogEntries":[]},"dsseEnvelope":{"payload":")" + payload +
                    R"(","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":")" + signature +
                    R"("}]}})"};
    }
    /// Around the value of dsseEnvelope.signatures.
    [[nodiscard]] std::pair<std::string, std::string> aroundSignatures() const {
        return {R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{)"
                R"("x509CertificateChain":{"certificates":)" +
                    certificates + R"(},"tlogEntries":[]},"dsseEnvelope":{"payload":")" + payload +
                    R"(","payloadType":"application/vnd.in-toto+json","signatures":)",
                "}}"};
    }
};

std::string digits(std::size_t i, int width) {
    std::string s = std::to_string(i);
    return std::string(width > static_cast<int>(s.size()) ? width - s.size() : 0, '0') + s;
}

std::string hex4(std::size_t v) {
    static constexpr std::string_view kHex = "0123456789ABCDEF";
    return {kHex[(v >> 12) & 15], kHex[(v >> 8) & 15], kHex[(v >> 4) & 15], kHex[v & 15]};
}

/// The statement `honest` changed by `edit`, signed by `signer`, at most 64 MiB.
std::string signedStatement(const SigningIdentity& signer, const std::string& honest,
                            const std::function<void(json::Value& statement)>& edit) {
    auto st = json::parse(honest);
    edit(*st);
    auto b = signDsseBundle(signer, json::serialize(*st));
    if (!b) {
        die(b.error().message);
    }
    if (b->size() > kMaxBytes) {
        die("a hostile statement is over 64 MiB: " + std::to_string(b->size()));
    }
    return *b;
}

/// About the largest payload whose bundle (base64, the chain and the envelope) stays within 64 MiB.
constexpr std::size_t kMaxPayload = (kMaxBytes - 16384) / 4 * 3;

std::vector<Hostile> hostileBundles(const std::string& realBundle, const SigningIdentity& signer,
                                    const std::string& honestStatement) {
    const BundleParts parts = BundleParts::of(realBundle);
    std::vector<Hostile> out;
    const auto add = [&out](std::string name, std::function<std::string()> make) {
        out.push_back({std::move(name), std::move(make)});
    };
    // `open` unit(0) `sep` unit(1) … `close` as the value of tlogEntries, whose entries nothing reads (they
    // must be objects): the rest of the bundle is the real one, so everything after the JSON parse runs too.
    const auto inTlog = [&](std::string name, const std::string& open, const std::string& sep,
                            const std::string& close, std::size_t maxUnits,
                            const std::function<void(std::size_t, std::string&)>& unit) {
        add(std::move(name), [=] {
            const auto around = parts.aroundTlog();
            return repeated(around.first + open, sep, close + around.second, maxUnits, unit);
        });
    };

    // The chain: refused by its length before any certificate is decoded.
    add("chain: 85,000 certificates (64 MiB, not base64)", [parts] {
        const auto around = parts.aroundCertificates();
        const std::size_t n = 85'000;
        const std::size_t each =
            (kMaxBytes - around.first.size() - around.second.size() - 2) / n - 16; // {"rawBytes":""},
        const std::string junk(each, '!');                                         // neither base64 nor DER
        return repeated(around.first + "[", ",", "]" + around.second, n,
                        [&](std::size_t, std::string& o) { o += R"({"rawBytes":")" + junk + "\"}"; });
    });
    add("chain: 999,950 certificates of 1 byte", [parts] {
        const auto around = parts.aroundCertificates();
        return repeated(around.first + "[", ",", "]" + around.second, kValueBudget / 2,
                        [](std::size_t, std::string& o) { o += R"({"rawBytes":"AA=="})"; });
    });
    // One object with as many keys as the value limit allows.
    const auto key = [](std::size_t i, std::string& o) {
        o += "\"k" + digits(i, 7) + "\":0";
    };
    inTlog("object: 1,999,899 keys (in tlogEntries of a signed bundle)", "[{", ",", "}]", kValueBudget - 1,
           key);
    add("object: 1,999,899 keys (the bundle itself)",
        [key] { return repeated("{", ",", "}", kValueBudget - 1, key); });
    add("object: 1,999,899 keys, the last repeats the first",
        [key] { return repeated("{", ",", ",\"k0000000\":0}", kValueBudget - 2, key); });
    // Arrays of 2M values.
    inTlog("array: 2M numbers of 32 characters (tlogEntries)", "[", ",", "]", kValueBudget,
           [](std::size_t i, std::string& o) { o += "1234567890." + digits(i, 21); });
    inTlog("array: 2M short numbers (tlogEntries)", "[", ",", "]", kValueBudget,
           [](std::size_t i, std::string& o) { o += std::to_string(i % 10); });
    inTlog("array: 2M strings of 30 characters (tlogEntries)", "[", ",", "]", kValueBudget,
           [](std::size_t i, std::string& o) { o += "\"abcdefghijklmnopqrstuv" + digits(i, 8) + "\""; });
    inTlog("array: 2M empty objects (tlogEntries of a signed bundle)", "[", ",", "]", kValueBudget,
           [](std::size_t, std::string& o) { o += "{}"; });
    // Maximal nesting: objects 60 deep (with the bundle's own levels, the limit of 64), repeated.
    {
        std::string deep;
        for (int d = 0; d < 59; ++d) {
            deep += "{\"a\":";
        }
        deep += "{}" + std::string(59, '}');
        inTlog("nesting: objects 60 deep, repeated to 2M values (signed bundle)", "[", ",", "]",
               kValueBudget / 60, [deep](std::size_t, std::string& o) { o += deep; });
        add("nesting: arrays 64 deep, repeated to 2M values", [] {
            return repeated("[", ",", "]", kValueBudget / 63, [](std::size_t, std::string& o) {
                o += std::string(63, '[') + std::string(63, ']');
            });
        });
    }
    // Long strings, as a value and as a key.
    const auto longString = [&](std::string name, const std::string& unit) {
        inTlog(std::move(name), R"([{"k":")", "", "\"}]", kMaxBytes,
               [unit](std::size_t, std::string& o) { o += unit; });
    };
    longString("string: 11M \\u00e9 escapes (signed bundle)", "\\u00e9");
    longString("string: 5.6M surrogate pairs \\ud83d\\ude00 (signed bundle)", "\\ud83d\\ude00");
    longString("string: 33M two-character escapes \\n (signed bundle)", "\\n");
    longString("string: 16M four-byte UTF-8 characters (signed bundle)", "\xF0\x9F\x98\x80");
    longString("string: 33M two-byte UTF-8 characters (signed bundle)", "\xC3\xA9");
    inTlog("key: 11M \\u00e9 escapes (signed bundle)", "[{\"", "", "\":0}]", kMaxBytes,
           [](std::size_t, std::string& o) { o += "\\u00e9"; });
    // Signatures: any number may be listed; exactly one is accepted.
    add("signatures: 999,950 of 1 byte", [parts] {
        const auto around = parts.aroundSignatures();
        return repeated(around.first + "[", ",", "]" + around.second, kValueBudget / 2,
                        [](std::size_t, std::string& o) { o += R"({"sig":"AA=="})"; });
    });
    // Signed statements (a signer under a trusted root): the statement parser and steps 4–7 run.
    const auto statement = [&](std::string name, const std::function<void(json::Value&)>& edit) {
        add(std::move(name),
            [&signer, honestStatement, edit] { return signedStatement(signer, honestStatement, edit); });
    };
    statement("statement: one finding text of 48 MiB (signed)", [](json::Value& st) {
        const std::size_t rest = json::serialize(st).size();
        json::Value& f = st.find("predicate")->find("findings")->asArray().front();
        f.set("text", json::Value::string(std::string(kMaxPayload - rest - 64, 'x')));
    });
    statement("statement: 111,000 findings (48 MiB, signed)", [](json::Value& st) {
        json::Value& fs = *st.find("predicate")->find("findings");
        const json::Value first = fs.asArray().front();
        fs = json::Value::array();
        std::size_t bytes = json::serialize(st).size();
        for (std::size_t i = 0; i < kValueBudget / 18 && bytes < kMaxPayload - 1024; ++i) {
            json::Value f = first;
            f.set("id", json::Value::string("f" + std::to_string(i)));
            f.set("text", json::Value::string(std::string(180, 't')));
            bytes += json::serialize(f).size() + 1;
            fs.push(std::move(f));
        }
    });
    statement("statement: 499,000 measurements (signed)", [](json::Value& st) {
        json::Value& f = st.find("predicate")->find("findings")->asArray().front();
        json::Value ms = json::Value::array();
        for (std::size_t i = 0; i < kValueBudget / 4 - 100; ++i) {
            json::Value m = json::Value::object();
            m.set("name", json::Value::string("m" + std::to_string(i)));
            m.set("value", json::Value::number(0.25));
            m.set("unit", json::Value::string("mV"));
            ms.push(std::move(m));
        }
        f.set("measurements", std::move(ms));
    });
    statement("statement: a polygon of 666,000 points (signed)", [](json::Value& st) {
        json::Value& f = st.find("predicate")->find("findings")->asArray().front();
        json::Value region = json::Value::object();
        region.set("kind", json::Value::string("cine"));
        region.set("firstFrame", json::Value::integer(0));
        region.set("lastFrame", json::Value::integer(1));
        json::Value poly = json::Value::array();
        for (std::size_t i = 0; i < kValueBudget / 3 - 100; ++i) {
            json::Value pt = json::Value::array();
            pt.push(json::Value::integer(static_cast<std::int64_t>(i % 640)));
            pt.push(json::Value::number(0.5 * static_cast<double>(i % 480)));
            poly.push(std::move(pt));
        }
        region.set("polygon", std::move(poly));
        f.set("region", std::move(region));
    });
    statement("statement: 64 attachments x 64 leads, 64 findings x 64 leads (signed)", [](json::Value& st) {
        json::Value& pred = *st.find("predicate");
        const json::Value first = pred.find("findings")->asArray().front();
        json::Value leads = json::Value::array();
        for (int l = 0; l < 64; ++l) {
            leads.push(json::Value::string("L" + std::to_string(l)));
        }
        json::Value atts = json::Value::array();
        json::Value fs = json::Value::array();
        for (int i = 0; i < 64; ++i) {
            const std::string name = "a" + std::to_string(i) + ".u8";
            json::Value a = json::Value::object();
            a.set("name", json::Value::string(name));
            a.set("mediaType", json::Value::string("application/vnd.veridicor.ecg-relevance"));
            a.set("leads", leads);
            a.set("samples", json::Value::integer(16 << 10));
            json::Value d = json::Value::object();
            d.set("sha256", json::Value::string(std::string(64, 'a')));
            a.set("digest", std::move(d));
            atts.push(std::move(a));
            json::Value f = first;
            f.set("id", json::Value::string("f" + std::to_string(i)));
            f.find("region")->set("leads", leads);
            json::Value e = json::Value::object();
            e.set("attachment", json::Value::string(name));
            f.set("explanation", std::move(e));
            fs.push(std::move(f));
        }
        pred.set("attachments", std::move(atts));
        pred.set("findings", std::move(fs));
    });
    statement("statement: 20,000 input.attributes, none the data's (signed)", [](json::Value& st) {
        json::Value& subject = st.find("subject")->asArray().front();
        subject.find("digest")->set("sha256", json::Value::string(std::string(64, '0')));
        json::Value attrs = json::Value::object();
        for (std::size_t i = 0; i < 20'000; ++i) {
            const std::string path = i % 2 == 0 ? hex4(0x0011 + i / 4096) + "," + hex4(i % 4096)
                                                : "0040,A730[" + std::to_string(i) + "]/0040,A160";
            attrs.asObject().push_back({path, json::Value::string(std::string(64, 'b'))});
        }
        st.find("predicate")->find("input")->set("attributes", std::move(attrs));
    });
    return out;
}

void hostileSection(const Verifier& verifier, const InputData& input, TimePoint t,
                    const AttachmentReader& reader, const std::string& realBundle,
                    const SigningIdentity& signer, const std::string& honestStatement) {
    std::printf(
        "\n4. Hostile bundles (each built in memory, at most 64 MiB; Verifier::verify, median of 3)\n");
    const std::vector<Hostile> cases = hostileBundles(realBundle, signer, honestStatement);
    double worst = 0;
    std::string worstName;
    for (const Hostile& h : cases) {
        if (h.name.find(g_only) == std::string::npos) {
            continue;
        }
        const std::string bytes = h.make();
        if (!g_write.empty()) {
            const std::string name =
                "case-" + digits(static_cast<std::size_t>(&h - cases.data()), 2) + ".finding.json";
            if (!writeTextFile(g_write / name, bytes)) {
                die("cannot write " + (g_write / name).string());
            }
        }
        std::vector<double> times;
        Verdict v;
        for (int i = 0; i < g_repeat; ++i) {
            const auto a = Clock::now();
            Verdict w = verifier.verify(bytes, input, t, reader);
            times.push_back(ms(Clock::now() - a));
            v = std::move(w); // the previous verdict is freed outside the timed call
        }
        std::string outcome;
        for (const Reason r : v.reasons) {
            outcome += (outcome.empty() ? "" : ",") + std::string(reasonName(r));
        }
        if (v.trusted()) {
            outcome = "trusted";
        }
        const double m = median(times);
        if (m > worst) {
            worst = m;
            worstName = h.name;
        }
        std::printf("   %-72s %5.1f MiB %8.1f ms  %s\n", h.name.c_str(),
                    static_cast<double>(bytes.size()) / (1 << 20), m, outcome.c_str());
    }
    std::printf("   max %.0f ms (limit 1000 ms): %s\n", worst, worstName.c_str());
}

} // namespace

int main(int argc, char** argv) {
    if (!dicom::initializeDicom()) {
        die("DCMTK is not usable");
    }
    bool hostileOnly = false;
    std::filesystem::path ecg = std::filesystem::path(VERIDICOR_SHARED_DATA) / "ecg/wave_dfl.dcm";
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--hostile-only") {
            hostileOnly = true;
        } else if (std::string(argv[i]) == "--repeat" && i + 1 < argc) {
            const std::string_view text(argv[++i]);
            int repeat = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), repeat);
            if (ec != std::errc() || end != text.data() + text.size()) {
                die("--repeat wants a whole number, not " + std::string(text));
            }
            g_repeat = std::max(1, repeat);
        } else if (std::string(argv[i]) == "--write" && i + 1 < argc) {
            g_write = argv[++i];
        } else if (std::string(argv[i]) == "--only" && i + 1 < argc) {
            hostileOnly = true;
            g_only = argv[++i];
        } else {
            ecg = argv[i];
        }
    }
    if (!std::filesystem::exists(ecg)) {
        die("no ECG file: give one, e.g. ../shared/data/ecg/wave_dfl.dcm");
    }
    // With --write, the demo PKI is kept beside the cases (work/trust verifies them).
    const auto work = g_write.empty() ? std::filesystem::temp_directory_path() /
                                            ("veridicor-bench-" + std::to_string(::getpid()))
                                      : g_write / "work";
    const TimePoint t = now();
    auto pki = writeDemoPki(work, t);
    if (!pki) {
        die(pki.error().message);
    }
    auto store = TrustStore::load(pki->trustStore);
    if (!store) {
        die(store.error().message);
    }
    const Verifier verifier(*store);
    auto input = openInput(ecg);
    if (!input) {
        die(input.error().message);
    }
    const auto bundles = work / "bundles";
    if (!writeTextFile(bundles / "f1-relevance.u8", std::string(std::size_t{12} * 2400, '\x40'))) {
        die("cannot write the attachment");
    }
    auto pred = json::parse(predicateFor(pki->ecgModelDigest, t - std::chrono::minutes(1), 2400));
    std::string bundleP256;
    std::string bundleEd;
    for (auto [name, out] : {std::pair<const char*, std::string*>{"finding-signer", &bundleP256},
                             {"finding-signer-ed25519", &bundleEd}}) {
        auto id = SigningIdentity::load(pki->signers / (std::string(name) + ".key.pem"),
                                        pki->signers / (std::string(name) + ".chain.pem"));
        auto b = signFinding(*id, *pred, *input, bundles);
        if (!b) {
            die(b.error().message);
        }
        *out = *b;
    }
    if (!writeTextFile(bundles / "ecg.finding.json", bundleP256)) {
        die("cannot write the bundle");
    }

    std::printf("verify/ benchmarks (one thread; %s; %zu waveform bytes)\n", ecg.filename().c_str(),
                static_cast<std::size_t>(input->hashedBytes));
    const auto hostile = [&] {
        auto signer = SigningIdentity::load(pki->signers / "finding-signer.key.pem",
                                            pki->signers / "finding-signer.chain.pem");
        auto statement = buildFindingStatement(*pred, *input, bundles);
        if (!signer || !statement) {
            die("cannot make the hostile statements");
        }
        hostileSection(verifier, *input, t, attachmentsFromFolder(bundles), bundleP256, *signer, *statement);
    };
    if (hostileOnly) {
        hostile();
        if (g_write.empty()) {
            std::filesystem::remove_all(work);
        }
        return 0;
    }

    // 1. End to end, and the share spent hashing.
    {
        std::vector<double> total;
        std::vector<double> load;
        std::vector<double> hash;
        std::vector<double> rest;
        for (int i = 0; i < 200; ++i) {
            const auto t0 = Clock::now();
            auto loaded = dicom::loadFile(ecg);
            const auto t1 = Clock::now();
            auto in = inputFromDicom(*loaded); // hashes the waveform
            const auto t2 = Clock::now();
            auto v = verifier.verifyFile(bundles / "ecg.finding.json", *in, now());
            const auto t3 = Clock::now();
            if (!v || !v->trusted()) {
                die("the benchmark bundle does not verify");
            }
            total.push_back(ms(t3 - t0));
            load.push_back(ms(t1 - t0));
            hash.push_back(ms(t2 - t1));
            rest.push_back(ms(t3 - t2));
        }
        const double tot = median(total);
        std::printf("\n1. ECG finding bundle, end to end (median of 200): %.3f ms\n", tot);
        std::printf("   load DICOM (DCMTK, deflated): %.3f ms (%.0f%%)\n", median(load),
                    100 * median(load) / tot);
        std::printf("   hash the input (dicom-waveform-v1, SHA-256): %.3f ms (%.1f%%)\n", median(hash),
                    100 * median(hash) / tot);
        std::printf(
            "   verify the bundle (read, chain, signature, model provenance, attachment): %.3f ms (%.0f%%)\n",
            median(rest), 100 * median(rest) / tot);
        std::printf("   (medians of each part; their sum need not equal the median of the whole)\n");
    }

    // 2. Hashing throughput against openssl dgst on the same bytes.
    {
        const std::size_t size = std::size_t{256} << 20;
        const auto file = work / "hash-input.bin";
        {
            // NOLINTNEXTLINE(cert-msc32-c,cert-msc51-cpp): the same input bytes every run, so runs compare.
            std::mt19937_64 rng(1);
            std::vector<std::uint64_t> block(1 << 17);
            std::ofstream out(file, std::ios::binary);
            for (std::size_t written = 0; written < size; written += block.size() * 8) {
                for (auto& w : block) {
                    w = rng();
                }
                out.write(reinterpret_cast<const char*>(block.data()),
                          static_cast<std::streamsize>(block.size() * 8));
            }
        }
        std::string ours;
        std::vector<double> oursMs;
        std::vector<double> theirsMs;
        std::string theirs;
        for (int round = 0; round < 3; ++round) {
            const auto t0 = Clock::now();
            auto d = fileDigest(file);
            oursMs.push_back(ms(Clock::now() - t0));
            ours = *d;
            const std::string cmd = "openssl dgst -sha256 -r '" + file.string() + "'";
            const auto t1 = Clock::now();
            // NOLINTNEXTLINE(cert-env33-c): running openssl dgst is what is compared; cmd quotes our file.
            FILE* p = ::popen(cmd.c_str(), "r");
            std::array<char, 256> buf{};
            if (p == nullptr || std::fgets(buf.data(), static_cast<int>(buf.size()), p) == nullptr) {
                die("openssl dgst did not run");
            }
            ::pclose(p);
            theirsMs.push_back(ms(Clock::now() - t1));
            theirs = std::string(buf.data()).substr(0, 64);
        }
        // In memory, as for DICOM values (no file reading).
        std::string memory(size / 4, '\0');
        for (std::size_t i = 0; i < memory.size(); ++i) {
            memory[i] = static_cast<char>(i * 131);
        }
        std::vector<double> memMs;
        for (int round = 0; round < 3; ++round) {
            const auto t0 = Clock::now();
            Sha256 h;
            h.update(memory);
            (void)h.finish();
            memMs.push_back(ms(Clock::now() - t0));
        }
        const double mib = static_cast<double>(size) / (1 << 20);
        const double oursRate = mib / (median(oursMs) / 1000);
        const double theirsRate = mib / (median(theirsMs) / 1000);
        std::printf("\n2. SHA-256 of the same %.0f MiB file (page cache warm, median of 3), digests %s\n",
                    mib, ours == theirs ? "agree" : "DISAGREE");
        std::printf("   verify::fileDigest (file-v1): %.0f MiB/s\n", oursRate);
        std::printf("   openssl dgst -sha256:          %.0f MiB/s (process start included)\n", theirsRate);
        std::printf("   ratio: %.2f x\n", oursRate / theirsRate);
        std::printf("   in memory (DICOM values, verify::Sha256): %.0f MiB/s\n",
                    static_cast<double>(memory.size()) / (1 << 20) / (median(memMs) / 1000));
        std::filesystem::remove(file);
    }

    // 3. Verifications per second on one core, with the demo PKI (P-256 CAs) and with P-384 CAs.
    std::printf(
        "\n3. Verifications per second, one core (bundle bytes and input already in memory; the model's OMS\n"
        "   provenance is checked once and then remembered while it cannot change)\n");
    for (const KeyType caKey : {KeyType::EcP256, KeyType::EcP384}) {
        const auto dir = work / (caKey == KeyType::EcP256 ? "pki-p256" : "pki-p384");
        auto pkiN = writeDemoPki(dir, t, caKey);
        const Verifier verifierN(*TrustStore::load(pkiN->trustStore));
        auto predN = json::parse(predicateFor(pkiN->ecgModelDigest, t - std::chrono::minutes(1), 2400));
        const auto reader = attachmentsFromFolder(bundles);
        for (const char* signerName : {"finding-signer", "finding-signer-ed25519"}) {
            auto id = SigningIdentity::load(pkiN->signers / (std::string(signerName) + ".key.pem"),
                                            pkiN->signers / (std::string(signerName) + ".chain.pem"));
            const std::string bundle = *signFinding(*id, *predN, *input, bundles);
            int n = 0;
            const auto t0 = Clock::now();
            while (Clock::now() - t0 < std::chrono::seconds(3)) {
                const Verdict v = verifierN.verify(bundle, *input, t, reader);
                if (!v.trusted()) {
                    die("the benchmark bundle does not verify");
                }
                ++n;
            }
            const double secs = ms(Clock::now() - t0) / 1000;
            std::printf("   %-11s signer, %s root and intermediate: %5.0f verifications/s (%.3f ms each)\n",
                        std::string(signerName) == "finding-signer" ? "ECDSA P-256" : "Ed25519",
                        caKey == KeyType::EcP256 ? "P-256" : "P-384", n / secs, 1000 * secs / n);
        }
    }
    hostile();
    if (g_write.empty()) {
        std::filesystem::remove_all(work);
    }
    return 0;
}
