#pragma once
// A review test world: the reading world of tests/reading/reading_fixture.h (readers under the test
// intermediate, CRLs required) with the test PKI's model signer and finding signer approved as well (policy
// version 2: readingSigners and one model, ecg-omi-detector 2.1.0), and helpers that make a study folder —
// a synthetic ECG with its own UIDs and patient, AI finding bundles signed for it, reading SRs signed for it.

#include "reading_fixture.h"

#include <veridicor/verify/oms.h>
#include <veridicor/verify/signer.h>

#include <string>
#include <utility>
#include <vector>

namespace veridicor::test {

inline constexpr const char* kModelName = "ecg-omi-detector";
inline constexpr const char* kModelVersion = "2.1.0";

/// A SNOMED CT code (value, meaning).
using Code = std::pair<std::string, std::string>;

inline const Code kStemi{"401303003", "Acute ST segment elevation myocardial infarction"};
inline const Code kSinus{"426783006", "Sinus rhythm"};
inline const Code kStElevation{"164931005", "ST elevation"};
inline const Code kAcuteMi{"57054005", "Acute myocardial infarction"};
inline const Code kMi{"164865005", "Myocardial infarction"};
inline const Code kAf{"164889003", "Atrial fibrillation"};

class ReviewFixture : public ReadingFixture {
public:
    std::filesystem::path modelDir;
    std::string modelDigest;

    explicit ReviewFixture(TimePoint now) : ReadingFixture(now) {}

    bool setUpReview() {
        if (!setUp()) {
            return false;
        }
        modelDir = root / "model";
        writeAll(modelDir / "config.json", "{\"layers\": 2}\n");
        writeAll(modelDir / "weights" / "w0.bin", std::string(4096, '\x11'));
        auto bundle = signModel(modelDir, pki.identity(pki.modelSigner), ModelSignOptions{});
        auto manifest = hashModelDirectory(modelDir, ModelSignOptions{});
        if (!bundle || !manifest) {
            error = "the test model could not be signed";
            return false;
        }
        modelDigest = manifest->rootDigest;
        writeAll(trust / "models" / "ecg-omi-detector.sig", *bundle);
        const std::string pin = "sha256:" + spkiSha256(pki.inter.cert);
        auto rule = [&](const std::string& id) { return R"({"identity": ")" + id + R"(", "ca": ")" + pin + "\"}"; };
        writeAll(trust / "policy.json",
                 std::string(R"({"policyVersion": 2, "revocation": "require", "readingSigners": [)") +
                     rule(std::string("email:") + kReaderEmail) + ", " + rule(std::string("email:") + kRsaReaderEmail) +
                     R"(], "models": [{"name": ")" + kModelName + R"(", "version": ")" + kModelVersion +
                     R"(", "digest": ")" + modelDigest + R"(", "modalities": ["ECG"], "modelSigners": [)" +
                     rule(std::string("cn:") + TestPki::kModelSigner) + R"(], "findingSigners": [)" +
                     rule(std::string("dns:") + TestPki::kFindingSigner) + "]}]}");
        return true;
    }

    /// A study folder `set/<name>/` holding `ecg.dcm`: a synthetic ECG whose UIDs end in `index` and whose
    /// patient is PAT-<index>. Returns the recording's path (empty on failure).
    std::filesystem::path makeStudy(const std::filesystem::path& setDir, const std::string& name, int index) {
        SyntheticEcg ecg;
        const std::string base = "1.2.826.0.1.3680043.10.1002." + std::to_string(index);
        ecg.study = base + ".1";
        ecg.series = base + ".2";
        ecg.sop = base + ".3";
        auto path = setDir / name / "ecg.dcm";
        if (!ecg.write(path, EXS_LittleEndianExplicit, index)) {
            error = "writing " + path.string() + " failed";
            return {};
        }
        DcmFileFormat ff;
        if (ff.loadFile(path.c_str()).bad()) {
            return {};
        }
        ff.getDataset()->putAndInsertString(DCM_PatientID, ("PAT-" + std::to_string(index)).c_str());
        ff.getDataset()->putAndInsertString(DCM_StudyDate, "20261201");
        if (ff.saveFile(path.c_str(), EXS_LittleEndianExplicit).bad()) {
            return {};
        }
        return path;
    }

    /// Signs a finding bundle of `codes` for `recording` by `signer` (the test PKI's finding signer unless
    /// told) and writes it beside it as `<stem>.finding.json` (named after the recording: routing rule a).
    bool signFindings(const std::filesystem::path& recording, const std::string& stem, const std::vector<Code>& codes,
                      const Party* signer = nullptr) {
        auto input = openInput(recording);
        if (!input) {
            error = input.error().message;
            return false;
        }
        std::string findings;
        for (std::size_t i = 0; i < codes.size(); ++i) {
            findings += (i == 0 ? "" : ", ") + std::string(R"({"id": "f)") + std::to_string(i + 1) +
                        R"(", "code": {"scheme": "SCT", "value": ")" + codes[i].first + R"(", "meaning": ")" +
                        codes[i].second + R"("}, "text": ")" + codes[i].second +
                        R"(", "confidence": 0.9, "region": {"kind": "ecg", "leads": ["I"], "startSeconds": 0.02, "endSeconds": 0.1}})";
        }
        const std::string producedAt =
            formatRfc3339(std::chrono::floor<std::chrono::seconds>(pki.now - std::chrono::hours(1)));
        auto predicate = json::parse(std::string(R"({"model": {"name": ")") + kModelName + R"(", "version": ")" +
                                     kModelVersion + R"(", "digest": {"sha256": ")" + modelDigest +
                                     R"("}}, "producedAt": ")" + producedAt +
                                     R"(", "input": {"modality": "ECG"}, "findings": [)" + findings +
                                     R"(], "attachments": []})");
        if (!predicate) {
            error = "bad predicate";
            return false;
        }
        auto bundle = signFinding(pki.identity(signer != nullptr ? *signer : pki.finding), *predicate, *input,
                                  recording.parent_path());
        if (!bundle) {
            error = bundle.error().message;
            return false;
        }
        writeAll(recording.parent_path() / (stem + ".finding.json"), *bundle);
        return true;
    }

    /// Signs (or, with `who` null, writes preliminary) a reading of `codes` for `recording` at `dicomTime`
    /// (YYYYMMDDHHMMSS) into `out`; `amends` is the SR it amends (may be empty). Empty path on failure.
    std::filesystem::path signReading(const std::filesystem::path& recording, const std::filesystem::path& out,
                                      const std::vector<Code>& codes, const std::string& dicomTime,
                                      const ReaderFiles* who, const std::filesystem::path& amends = {}) {
        reading::Reading r;
        for (const auto& c : codes) {
            r.statements.push_back(reading::CodedStatement{"SCT", c.first, c.second});
        }
        r.text = "Reading of " + recording.parent_path().filename().string() + ".";
        r.blind = true;
        reading::SrWriteOptions o;
        if (who != nullptr) {
            o.signer = who->signer();
        } else {
            o.observerName = "Ada Reader";
        }
        if (!amends.empty()) {
            o.amendedSr = amends;
        }
        o.dateTime = dicomTime;
        auto w = reading::writeReadingSr(r, recording, o, out);
        if (!w) {
            error = w.error().message;
            return {};
        }
        return out;
    }

    /// Sign-then-tamper: one byte of the signed free text changed (the signature no longer verifies).
    static bool tamperText(const std::filesystem::path& sr) {
        std::string bytes = readAll(sr);
        const auto at = bytes.find("Reading of ");
        if (at == std::string::npos) {
            return false;
        }
        bytes[at] = 'X';
        writeAll(sr, bytes);
        return true;
    }
};

} // namespace veridicor::test
