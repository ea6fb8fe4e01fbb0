#pragma once
// A complete test PKI, trust store, model and recording, made inside the tests with OpenSSL (through
// veridicor::verify::issueCertificate / makeCrlPem, which call OpenSSL's X509 APIs) and DCMTK. Nothing here
// is read from disk except what the fixture itself wrote into a temporary folder.

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/verify/encoding.h>
#include <veridicor/verify/input_digest.h>
#include <veridicor/verify/json.h>
#include <veridicor/verify/oms.h>
#include <veridicor/verify/pki.h>
#include <veridicor/verify/signer.h>
#include <veridicor/verify/trust_store.h>
#include <veridicor/verify/verifier.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcvrobow.h>

#include <QCryptographicHash>
#include <QTemporaryDir>

#include <chrono>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace veridicor::test {

using namespace veridicor::verify;
using std::chrono::days;

struct Party {
    PrivateKey key;
    Certificate cert;
};

/// Independent SHA-256 (Qt's implementation, not OpenSSL's) for expected values.
inline std::string qtSha256(const std::string& bytes) {
    return QCryptographicHash::hash(
               QByteArray::fromRawData(bytes.data(), static_cast<qsizetype>(bytes.size())),
               QCryptographicHash::Sha256)
        .toHex()
        .toStdString();
}

inline std::string readAll(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void writeAll(const std::filesystem::path& p, const std::string& s) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(s.data(), static_cast<std::streamsize>(s.size()));
}

/// The test PKI of the issue: root, intermediate, finding signer, model signer, revoked + CRL, expired,
/// RSA-1024, an unknown root; plus SHA-1-signed, Ed25519, RSA-2048, P-384, P-521 and unauthorized signers;
/// and TSAs for RFC 3161 timestamps.
class TestPki {
public:
    static constexpr const char* kFindingSigner = "omi-inference.vendor-a.example";
    static constexpr const char* kModelSigner = "Vendor A Model Signing";
    static constexpr const char* kTsaName = "Veridicor Test TSA";

    TimePoint now;
    Party root, inter, finding, modelSigner, revoked, expired, notYetValid, rsa1024, sha1Signed, ed25519,
        rsa2048, p384, p521, other, noSignUsage, unknownRoot, unknownLeaf;
    /// RFC 3161 (R2.6): a TSA root (the trust store's tsa/*.pem), a TSA under it (EKU timeStamping,
    /// critical), a certificate under it without that EKU, and a TSA under a root the trust store does not
    /// know.
    Party tsaRoot, tsa, tsaNoEku, unknownTsaRoot, unknownTsa;
    std::string crlPem;     ///< the intermediate's CRL, listing `revoked`
    std::string rootCrlPem; ///< the root's CRL, listing nothing
    std::string error;

    static std::optional<TestPki> make(TimePoint now) {
        TestPki p;
        p.now = now;
        if (!p.build()) {
            qWarning("test PKI: %s", p.error.c_str());
            return std::nullopt;
        }
        return p;
    }

    [[nodiscard]] SigningIdentity identity(const Party& leaf) const {
        std::vector<Certificate> chain{leaf.cert};
        if (&leaf == &unknownLeaf) {
            chain.push_back(unknownRoot.cert);
        } else {
            chain.push_back(inter.cert);
        }
        return *SigningIdentity::create(leaf.key, chain);
    }

private:
    bool issue(Party& out, KeyType type, int bits, const CertificateSpec& spec, const Party* issuer) {
        auto key = PrivateKey::generate(type, bits);
        if (!key) {
            error = key.error().message;
            return false;
        }
        auto cert = issueCertificate(spec, *key, issuer != nullptr ? &issuer->cert : nullptr,
                                     issuer != nullptr ? issuer->key : *key);
        if (!cert) {
            error = cert.error().message;
            return false;
        }
        out = Party{std::move(*key), std::move(*cert)};
        return true;
    }
    [[nodiscard]] CertificateSpec spec(const std::string& cn, bool ca, TimePoint from, TimePoint to) const {
        CertificateSpec s;
        s.commonName = cn;
        s.organization = "Veridicor Test";
        s.ca = ca;
        s.notBefore = from;
        s.notAfter = to;
        if (!ca && cn.find(' ') == std::string::npos) {
            s.dnsNames.push_back(cn);
        }
        if (!ca) {
            s.extendedKeyUsage = {"codeSigning"}; // what a version 2 policy requires of signers (R2.3)
        }
        return s;
    }
    bool build() {
        const auto y = days(365);
        const TimePoint a = now - days(10);
        bool ok =
            issue(root, KeyType::EcP384, 0, spec("Test Root CA", true, now - y, now + 10 * y), nullptr) &&
            issue(inter, KeyType::EcP256, 0, spec("Test Signing CA", true, now - y, now + 5 * y), &root) &&
            issue(finding, KeyType::EcP256, 0, spec(kFindingSigner, false, a, now + y), &inter) &&
            issue(modelSigner, KeyType::EcP256, 0, spec(kModelSigner, false, a, now + y), &inter) &&
            issue(revoked, KeyType::EcP256, 0, spec(kFindingSigner, false, a, now + y), &inter) &&
            issue(expired, KeyType::EcP256, 0, spec(kFindingSigner, false, now - 2 * y, now - y), &inter) &&
            issue(notYetValid, KeyType::EcP256, 0, spec(kFindingSigner, false, now + days(30), now + y),
                  &inter) &&
            issue(rsa1024, KeyType::Rsa, 1024, spec(kFindingSigner, false, a, now + y), &inter) &&
            issue(ed25519, KeyType::Ed25519, 0, spec(kFindingSigner, false, a, now + y), &inter) &&
            issue(rsa2048, KeyType::Rsa, 2048, spec(kFindingSigner, false, a, now + y), &inter) &&
            issue(p384, KeyType::EcP384, 0, spec(kFindingSigner, false, a, now + y), &inter) &&
            issue(p521, KeyType::EcP521, 0, spec(kFindingSigner, false, a, now + y), &inter) &&
            issue(other, KeyType::EcP256, 0, spec("someone-else.example", false, a, now + y), &inter) &&
            issue(unknownRoot, KeyType::EcP256, 0, spec("Unknown Root CA", true, now - y, now + 5 * y),
                  nullptr) &&
            issue(unknownLeaf, KeyType::EcP256, 0, spec(kFindingSigner, false, a, now + y), &unknownRoot);
        if (!ok) {
            return false;
        }
        CertificateSpec weak = spec(kFindingSigner, false, a, now + y);
        weak.digest = "SHA1";
        CertificateSpec noSign = spec(kFindingSigner, false, a, now + y);
        noSign.digitalSignature = false;
        if (!issue(sha1Signed, KeyType::EcP256, 0, weak, &inter) ||
            !issue(noSignUsage, KeyType::EcP256, 0, noSign, &inter)) {
            return false;
        }
        CertificateSpec tsaSpec = spec(kTsaName, false, a, now + y);
        tsaSpec.extendedKeyUsage = {"timeStamping"};
        tsaSpec.extendedKeyUsageCritical = true; // RFC 3161 section 2.3
        CertificateSpec unknownTsaSpec = tsaSpec;
        unknownTsaSpec.commonName = "Unknown TSA";
        if (!issue(tsaRoot, KeyType::EcP384, 0, spec("Test TSA Root CA", true, now - y, now + 10 * y),
                   nullptr) ||
            !issue(tsa, KeyType::EcP256, 0, tsaSpec, &tsaRoot) ||
            !issue(tsaNoEku, KeyType::EcP256, 0, spec("Test TSA Without EKU", false, a, now + y), &tsaRoot) ||
            !issue(unknownTsaRoot, KeyType::EcP256, 0,
                   spec("Unknown TSA Root CA", true, now - y, now + 5 * y), nullptr) ||
            !issue(unknownTsa, KeyType::EcP256, 0, unknownTsaSpec, &unknownTsaRoot)) {
            return false;
        }
        auto crl = makeCrlPem(inter.cert, inter.key, {Revocation{revoked.cert, now - days(2)}}, now - days(1),
                              now + y);
        if (!crl) {
            error = crl.error().message;
            return false;
        }
        crlPem = *crl;
        auto rootCrl = makeCrlPem(root.cert, root.key, {}, now - days(1), now + y);
        if (!rootCrl) {
            error = rootCrl.error().message;
            return false;
        }
        rootCrlPem = *rootCrl;
        return true;
    }
};

/// A small 12-lead-style DICOM ECG made with DCMTK: 2 channels × 100 samples of known values.
struct SyntheticEcg {
    std::string study = "1.2.826.0.1.3680043.10.1001.1";
    std::string series = "1.2.826.0.1.3680043.10.1001.2";
    std::string sop = "1.2.826.0.1.3680043.10.1001.3";
    std::vector<Sint16> samples; ///< channel-interleaved, as stored
    std::string expectedDigest;  ///< SHA-256 of the samples as little-endian bytes (Qt's SHA-256)

    bool write(const std::filesystem::path& path, E_TransferSyntax xfer = EXS_LittleEndianExplicit,
               int variant = 0) {
        samples.clear();
        for (int i = 0; i < 200; ++i) {
            samples.push_back(static_cast<Sint16>((i * 37 + variant * 11) % 2001 - 1000));
        }
        std::string le;
        for (const Sint16 s : samples) {
            const auto u = static_cast<Uint16>(s);
            le.push_back(static_cast<char>(u & 0xFFU));
            le.push_back(static_cast<char>(u >> 8U));
        }
        expectedDigest = qtSha256(le);
        DcmFileFormat ff;
        DcmDataset* ds = ff.getDataset();
        ds->putAndInsertString(DCM_SOPClassUID, "1.2.840.10008.5.1.4.1.1.9.1.1");
        ds->putAndInsertString(DCM_SOPInstanceUID, sop.c_str());
        ds->putAndInsertString(DCM_StudyInstanceUID, study.c_str());
        ds->putAndInsertString(DCM_SeriesInstanceUID, series.c_str());
        ds->putAndInsertString(DCM_Modality, "ECG");
        ds->putAndInsertString(DCM_PatientName, "Test^Synthetic");
        auto* item = new DcmItem();
        item->putAndInsertUint16(DCM_NumberOfWaveformChannels, 2);
        item->putAndInsertUint32(DCM_NumberOfWaveformSamples, 100);
        item->putAndInsertString(DCM_SamplingFrequency, "500");
        item->putAndInsertUint16(DCM_WaveformBitsAllocated, 16);
        item->putAndInsertString(DCM_WaveformSampleInterpretation, "SS");
        auto* data = new DcmOtherByteOtherWord(DcmTag(DCM_WaveformData, EVR_OW));
        data->putUint16Array(reinterpret_cast<const Uint16*>(samples.data()),
                             static_cast<unsigned long>(samples.size()));
        item->insert(data);
        ds->insertSequenceItem(DCM_WaveformSequence, item);
        std::filesystem::create_directories(path.parent_path());
        return ff.saveFile(path.c_str(), xfer).good();
    }
};

/// The predicate a producer would write for the synthetic ECG (before sign-finding fills it).
inline json::Value ecgPredicate(const std::string& modelDigest, const std::string& producedAt,
                                const std::string& attachment = "f1-relevance.u8") {
    const std::string text = R"({"model": {"name": "ecg-omi-detector", "version": "2.1.0",
                                           "digest": {"sha256": ")" +
                             modelDigest + R"("}},
        "producedAt": ")" + producedAt +
                             R"(",
        "input": {"modality": "ECG"},
        "findings": [{"id": "f1",
            "code": {"scheme": "SCT", "value": "401303003", "meaning": "Acute ST segment elevation myocardial infarction"},
            "text": "Occlusion MI, anterior wall", "confidence": 0.93,
            "region": {"kind": "ecg", "leads": ["I", "II"], "startSeconds": 0.02, "endSeconds": 0.1},
            "explanation": {"attachment": ")" +
                             attachment + R"("},
            "measurements": [{"name": "ST elevation I", "value": 0.25, "unit": "mV"}]}],
        "attachments": [{"name": ")" +
                             attachment + R"(", "mediaType": "application/vnd.veridicor.ecg-relevance",
            "leads": ["I", "II"], "samples": 100}]})";
    return *json::parse(text);
}

/// A trust store folder, a signed demo model, an ECG recording and its attachment, all in a temporary folder.
class VerifyFixture {
public:
    QTemporaryDir tmp;
    std::filesystem::path root;
    TestPki pki;
    SyntheticEcg ecg;
    std::filesystem::path ecgPath;
    std::filesystem::path modelDir;
    std::string modelDigest;
    std::string modelBundle; ///< OMS bundle of the model, by the model signer
    InputData input;

    struct PolicyOptions {
        std::string revocation = "if-available";
        std::string modelName = "ecg-omi-detector";
        std::string version = "2.1.0";
        std::string digest; ///< empty: the model's
        std::vector<std::string> modalities{"ECG"};
        std::vector<std::string> modelSigners{TestPki::kModelSigner};
        std::vector<std::string> findingSigners{TestPki::kFindingSigner};
        bool withCrl = true;
        bool withRootCrl = false;
        bool withModelBundle = true;
        std::string modelBundleOverride; ///< replaces the OMS bundle's bytes when not empty
        bool withUnknownRootAnchor = false;
        /// 2: signers are {"identity", "ca"} pins — `modelSigners`/`findingSigners` then hold typed
        /// identities ("dns:…", "cn:…"), pinned to `caPin` (empty: the test intermediate's SPKI).
        int policyVersion = 1;
        std::string caPin;      ///< for findingSigners (and modelSigners unless modelCaPin is given)
        std::string modelCaPin; ///< for modelSigners; empty: caPin's rule
        std::vector<std::string> inputDigestMethods; ///< empty: not written
        bool revocationGiven = true;                 ///< false: "revocation" left out (version 2 default)
        std::vector<std::string> extraAnchorsPem;    ///< more anchors/*.pem (e.g. a hospital's own root)
        std::vector<std::string> casPem;             ///< cas/*.pem
        std::vector<std::string> extraCrlsPem;       ///< more crls/*.pem
    };

    explicit VerifyFixture(TimePoint now) : pki(*TestPki::make(now)) {}

    bool setUp() {
        if (!tmp.isValid() || !dicom::initializeDicom()) {
            return false;
        }
        root = tmp.path().toStdString();
        ecgPath = root / "data" / "ecg.dcm";
        if (!ecg.write(ecgPath)) {
            return false;
        }
        auto in = openInput(ecgPath);
        if (!in) {
            return false;
        }
        input = *in;
        // The attachment lives beside the bundles.
        std::string relevance;
        for (int i = 0; i < 200; ++i) {
            relevance.push_back(static_cast<char>(i % 256));
        }
        writeAll(root / "bundles" / "f1-relevance.u8", relevance);
        // The model and its OMS signature.
        modelDir = root / "model";
        writeAll(modelDir / "config.json", "{\"layers\": 2}\n");
        writeAll(modelDir / "weights" / "w0.bin", std::string(4096, '\x11'));
        auto bundle = signModel(modelDir, pki.identity(pki.modelSigner), ModelSignOptions{});
        auto manifest = hashModelDirectory(modelDir, ModelSignOptions{});
        if (!bundle || !manifest) {
            return false;
        }
        modelBundle = *bundle;
        modelDigest = manifest->rootDigest;
        return writeTrustStore("trust", PolicyOptions{});
    }

    [[nodiscard]] std::filesystem::path trustDir(const std::string& name = "trust") const {
        return root / name;
    }

    bool writeTrustStore(const std::string& name, const PolicyOptions& o) {
        const auto dir = root / name;
        std::filesystem::remove_all(dir);
        writeAll(dir / "anchors" / "root.pem", pki.root.cert.pem());
        if (o.withUnknownRootAnchor) {
            writeAll(dir / "anchors" / "unknown.pem", pki.unknownRoot.cert.pem());
        }
        if (o.withCrl) {
            writeAll(dir / "crls" / "inter.pem", pki.crlPem);
        }
        if (o.withRootCrl) {
            writeAll(dir / "crls" / "root.pem", pki.rootCrlPem);
        }
        if (o.withModelBundle) {
            writeAll(dir / "models" / "ecg-omi-detector.sig",
                     o.modelBundleOverride.empty() ? modelBundle : o.modelBundleOverride);
        }
        for (std::size_t i = 0; i < o.extraAnchorsPem.size(); ++i) {
            writeAll(dir / "anchors" / ("extra-" + std::to_string(i) + ".pem"), o.extraAnchorsPem[i]);
        }
        for (std::size_t i = 0; i < o.casPem.size(); ++i) {
            writeAll(dir / "cas" / ("ca-" + std::to_string(i) + ".pem"), o.casPem[i]);
        }
        for (std::size_t i = 0; i < o.extraCrlsPem.size(); ++i) {
            writeAll(dir / "crls" / ("extra-" + std::to_string(i) + ".pem"), o.extraCrlsPem[i]);
        }
        auto list = [](const std::vector<std::string>& xs) {
            std::string s = "[";
            for (const auto& x : xs) {
                s += (s.size() > 1 ? ", \"" : "\"") + x + "\"";
            }
            return s + "]";
        };
        const std::string interPin = "sha256:" + spkiSha256(pki.inter.cert);
        auto signers = [&](const std::vector<std::string>& xs, bool model) {
            const std::string pin = model && !o.modelCaPin.empty() ? o.modelCaPin
                                    : o.caPin.empty()              ? interPin
                                                                   : o.caPin;
            if (o.policyVersion < 2) {
                return list(xs);
            }
            std::string s = "[";
            for (const auto& x : xs) {
                if (s.size() > 1) {
                    s += ", ";
                }
                s += R"({"identity": ")";
                s += x;
                s += R"(", "ca": ")";
                s += pin;
                s += "\"}";
            }
            return s + "]";
        };
        const std::string methods = o.inputDigestMethods.empty()
                                        ? std::string()
                                        : R"(, "inputDigestMethods": )" + list(o.inputDigestMethods);
        writeAll(dir / "policy.json",
                 R"({"policyVersion": )" + std::to_string(o.policyVersion) +
                     (o.revocationGiven ? R"(, "revocation": ")" + o.revocation + "\"" : std::string()) +
                     R"(, "models": [{"name": ")" + o.modelName + R"(", "version": ")" + o.version +
                     R"(", "digest": ")" + (o.digest.empty() ? modelDigest : o.digest) +
                     R"(", "modalities": )" + list(o.modalities) + methods + R"(, "modelSigners": )" +
                     signers(o.modelSigners, true) + R"(, "findingSigners": )" +
                     signers(o.findingSigners, false) + "}]}");
        return true;
    }

    [[nodiscard]] std::string producedAt() const {
        return formatRfc3339(std::chrono::floor<std::chrono::seconds>(pki.now - std::chrono::hours(1)));
    }

    /// A finding bundle for the synthetic ECG signed by `signer` (predicate possibly adjusted by the caller).
    [[nodiscard]] std::string sign(const Party& signer, const json::Value& predicate) const {
        auto b = signFinding(pki.identity(signer), predicate, input, root / "bundles");
        if (!b) {
            qWarning("signFinding: %s", b.error().message.c_str());
            return {};
        }
        return *b;
    }
    [[nodiscard]] std::string sign(const Party& signer) const {
        return sign(signer, ecgPredicate(modelDigest, producedAt()));
    }

    [[nodiscard]] Verdict verify(const std::string& bundle, const std::string& store = "trust",
                                 const InputData* other = nullptr) const {
        auto ts = TrustStore::load(trustDir(store));
        if (!ts) {
            qWarning("trust store: %s", ts.error().message.c_str());
            return {};
        }
        return Verifier(*ts).verify(bundle, other != nullptr ? *other : input, pki.now,
                                    attachmentsFromFolder(root / "bundles"));
    }
};

inline std::string reasonsText(const std::vector<Reason>& reasons) {
    std::string s;
    for (const auto r : reasons) {
        s += (s.empty() ? "" : ",") + std::string(reasonName(r));
    }
    return s.empty() ? "(none)" : s;
}

inline std::string reasonsText(const Verdict& v) {
    return reasonsText(v.reasons);
}

/// Re-encodes a bundle after changing its JSON (strict parse, edit, compact write).
template <class Edit> std::string editBundle(const std::string& bundle, Edit edit) {
    auto doc = json::parse(bundle);
    edit(*doc);
    return json::serialize(*doc);
}

/// The decoded payload of a bundle.
inline std::string payloadOf(const std::string& bundle) {
    auto doc = json::parse(bundle);
    return *base64Decode(doc->find("dsseEnvelope")->find("payload")->asString());
}

} // namespace veridicor::test
