#pragma once
// A reading test world: the test PKI of verify_fixture.h plus reader certificates under its intermediate, a
// trust store that approves only readers (policy version 2, readingSigners, CRLs required), and synthetic
// ECG recordings with a Patient ID.

#include "verify_fixture.h"

#include <veridicor/dicom/content_digest.h>
#include <veridicor/dicom/load.h>
#include <veridicor/reading/reading.h>
#include <veridicor/reading/sr_writer.h>

#include <dcmtk/dcmdata/dctk.h>

#include <QProcess>
#include <QTemporaryDir>

namespace veridicor::test {

using namespace veridicor::verify;

inline constexpr const char* kReaderEmail = "ada.reader@hospital.example";
inline constexpr const char* kRsaReaderEmail = "rsa.reader@hospital.example";

/// The READING.json of the issue, with a measurement that has a lead and times, a device statement, a
/// verdict and free text.
inline const char* kReadingJson = R"json({"statements": [{"scheme": "SCT", "value": "164931005", "meaning": "ST elevation"},
  {"scheme": "SCT", "value": "426783006", "meaning": "Sinus rhythm"}],
  "text": "Anterior ST elevation; compare with prior.",
  "measurements": [{"name": "QTc (Bazett)", "value": 412, "unit": "ms"},
                   {"name": "ST level at J+60", "value": 0.25, "unit": "mV", "lead": "V2", "start": 0.02, "end": 0.1}],
  "deviceStatements": [{"text": "Sinus rhythm", "review": "confirmed"}],
  "assessments": [{"bundle": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "finding": "f1",
                   "verdict": "trusted", "assessment": "agree", "reason": ""}],
  "blind": true})json";

struct ReaderFiles {
    std::filesystem::path key;
    std::filesystem::path chain;
    [[nodiscard]] reading::SignerFiles signer() const { return {key, chain}; }
};

class ReadingFixture {
public:
    QTemporaryDir tmp;
    std::filesystem::path root;
    TestPki pki;
    Party reader, rsaReader, otherReader, revokedReader, expiredReader, foreignReader, rsa1024Reader;
    ReaderFiles readerFiles, rsaReaderFiles, otherFiles, revokedFiles, expiredFiles, foreignFiles, rsa1024Files;
    std::filesystem::path trust;
    std::filesystem::path recording;      ///< patient PAT-001
    std::filesystem::path otherPatient;   ///< PAT-999, other UIDs
    std::filesystem::path otherSamples;   ///< PAT-001, same UIDs, other samples
    std::string error;

    explicit ReadingFixture(TimePoint now) : pki(*TestPki::make(now)) {}

    bool setUp() {
        if (!tmp.isValid() || !dicom::initializeDicom()) {
            error = "no temporary folder or no DICOM dictionary";
            return false;
        }
        root = tmp.path().toStdString();
        const auto y = std::chrono::days(365);
        const TimePoint a = pki.now - std::chrono::days(10);
        if (!issueReader(reader, KeyType::EcP256, 0, "Ada Reader", kReaderEmail, a, pki.now + y, &pki.inter) ||
            !issueReader(rsaReader, KeyType::Rsa, 2048, "Rsa Reader", kRsaReaderEmail, a, pki.now + y, &pki.inter) ||
            !issueReader(otherReader, KeyType::EcP256, 0, "Other Reader", "other.reader@hospital.example", a,
                         pki.now + y, &pki.inter) ||
            !issueReader(revokedReader, KeyType::EcP256, 0, "Ada Reader", kReaderEmail, a, pki.now + y, &pki.inter) ||
            !issueReader(expiredReader, KeyType::EcP256, 0, "Ada Reader", kReaderEmail, pki.now - 2 * y,
                         pki.now - y, &pki.inter) ||
            !issueReader(foreignReader, KeyType::EcP256, 0, "Ada Reader", kReaderEmail, a, pki.now + y,
                         &pki.unknownRoot) ||
            !issueReader(rsa1024Reader, KeyType::Rsa, 1024, "Ada Reader", kReaderEmail, a, pki.now + y, &pki.inter)) {
            return false;
        }
        readerFiles = write("reader", reader, pki.inter);
        rsaReaderFiles = write("rsa-reader", rsaReader, pki.inter);
        otherFiles = write("other-reader", otherReader, pki.inter);
        revokedFiles = write("revoked-reader", revokedReader, pki.inter);
        expiredFiles = write("expired-reader", expiredReader, pki.inter);
        foreignFiles = write("foreign-reader", foreignReader, pki.unknownRoot);
        rsa1024Files = write("rsa1024-reader", rsa1024Reader, pki.inter);
        if (!writeTrustStore()) {
            return false;
        }
        recording = root / "ecg" / "recording.dcm";
        otherPatient = root / "ecg" / "other-patient.dcm";
        otherSamples = root / "ecg" / "other-samples.dcm";
        SyntheticEcg ecg;
        SyntheticEcg other;
        other.study = "1.2.826.0.1.3680043.10.1001.11";
        other.series = "1.2.826.0.1.3680043.10.1001.12";
        other.sop = "1.2.826.0.1.3680043.10.1001.13";
        SyntheticEcg sameUids;
        return writeEcg(ecg, recording, "PAT-001", 0) && writeEcg(other, otherPatient, "PAT-999", 0) &&
               writeEcg(sameUids, otherSamples, "PAT-001", 1);
    }

    /// The content identity of a recording as a view would display it.
    static dicom::ContentIdentity displayed(const std::filesystem::path& path) {
        auto file = dicom::loadFile(path);
        return *dicom::contentIdentity(*file->dataset());
    }

    [[nodiscard]] std::filesystem::path out(const std::string& name) const { return root / "out" / name; }

    /// Signs `json` for `rec` with `who`; empty path on failure (error set).
    std::filesystem::path sign(const std::string& name, const ReaderFiles& who, const std::string& json = kReadingJson,
                               const std::filesystem::path& rec = {}) {
        auto r = reading::parseReadingJson(json);
        if (!r) {
            error = r.error().message;
            return {};
        }
        reading::SrWriteOptions o;
        o.signer = who.signer();
        std::filesystem::create_directories(root / "out");
        auto w = reading::writeReadingSr(*r, rec.empty() ? recording : rec, o, out(name));
        if (!w) {
            error = w.error().message;
            return {};
        }
        return out(name);
    }

private:
    bool issueReader(Party& p, KeyType type, int bits, const std::string& cn, const std::string& email, TimePoint from,
                     TimePoint to, const Party* issuer) {
        auto key = PrivateKey::generate(type, bits);
        if (!key) {
            error = key.error().message;
            return false;
        }
        CertificateSpec s;
        s.commonName = cn;
        s.organization = "Hospital Cardiology";
        s.emails = {email};
        s.notBefore = from;
        s.notAfter = to;
        // codeSigning: what the trust store's version 2 chain check requires of every signer (R2.3);
        // emailProtection: a clinician's certificate is usually issued for mail as well.
        s.extendedKeyUsage = {"codeSigning", "emailProtection"};
        auto cert = issueCertificate(s, *key, &issuer->cert, issuer->key);
        if (!cert) {
            error = cert.error().message;
            return false;
        }
        p = Party{std::move(*key), std::move(*cert)};
        return true;
    }
    ReaderFiles write(const std::string& name, const Party& p, const Party& issuer) {
        ReaderFiles f{root / "readers" / (name + ".key.pem"), root / "readers" / (name + ".chain.pem")};
        (void)writeTextFile(f.key, p.key.pkcs8Pem(), true);
        (void)writeTextFile(f.chain, certificatesToPem({p.cert, issuer.cert}));
        return f;
    }
    bool writeTrustStore() {
        trust = root / "trust";
        auto crl = makeCrlPem(pki.inter.cert, pki.inter.key,
                              {Revocation{revokedReader.cert, pki.now - std::chrono::days(2)}},
                              pki.now - std::chrono::days(1), pki.now + std::chrono::days(365));
        if (!crl) {
            error = crl.error().message;
            return false;
        }
        const std::string pin = "sha256:" + spkiSha256(pki.inter.cert);
        const std::string policy = std::string(R"({"policyVersion": 2, "revocation": "require", "readingSigners": [)") +
                                   R"({"identity": "email:)" + kReaderEmail + R"(", "ca": ")" + pin + R"("},)" +
                                   R"({"identity": "email:)" + kRsaReaderEmail + R"(", "ca": ")" + pin + R"("}]})";
        return writeTextFile(trust / "anchors" / "root.pem", pki.root.cert.pem()) &&
               writeTextFile(trust / "cas" / "signing-ca.pem", pki.inter.cert.pem()) &&
               writeTextFile(trust / "crls" / "signing-ca.pem", *crl) &&
               writeTextFile(trust / "crls" / "root.pem", pki.rootCrlPem) &&
               writeTextFile(trust / "policy.json", policy);
    }
    static bool writeEcg(SyntheticEcg& ecg, const std::filesystem::path& path, const std::string& patientId, int variant) {
        if (!ecg.write(path, EXS_LittleEndianExplicit, variant)) {
            return false;
        }
        DcmFileFormat ff;
        if (ff.loadFile(path.c_str()).bad()) {
            return false;
        }
        ff.getDataset()->putAndInsertString(DCM_PatientID, patientId.c_str());
        ff.getDataset()->putAndInsertString(DCM_StudyDate, "20261201");
        return ff.saveFile(path.c_str(), EXS_LittleEndianExplicit).good();
    }
};

/// Runs a program; its exit code (-1 when it could not start), stdout in `out`.
inline int runTool(const QString& program, const QStringList& args, QByteArray* out = nullptr,
                   QByteArray* err = nullptr) {
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(60000)) {
        return -1;
    }
    if (out != nullptr) {
        *out = p.readAllStandardOutput();
    }
    if (err != nullptr) {
        *err = p.readAllStandardError();
    }
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

inline QString qpath(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

} // namespace veridicor::test
