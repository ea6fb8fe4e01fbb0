#pragma once
// A report test world: the reading fixture's PKI, readers and trust store (tests/reading/reading_fixture.h),
// with the trust store extended to approve a model and its finding signer; a synthetic 12-lead ECG whose
// every lead is a train of 1 mV square pulses, one per second (so a 1 s interval and the 1 mV calibration
// can be measured on the rendered page); a signed reading of it; and AI finding bundles beside it, one
// verified, one edited after signing.

#include "../reading/reading_fixture.h"

#include <veridicor/ecg/dicom_writer.h>
#include <veridicor/ecg/synth.h>
#include <veridicor/verify/encoding.h>

#include <cmath>

namespace veridicor::test {

/// The square pulses of the synthetic recording: 1 mV from 0.5 s + k for 40 ms, k = 0…9.
inline constexpr double kPulseFirstSeconds = 0.5;
inline constexpr double kPulseSeconds = 0.04;
inline constexpr const char* kFindingText = "Occlusion MI, anterior wall";
inline constexpr const char* kTamperedText = "TAMPERED-AFTER-SIGNING";

class ReportFixture : public ReadingFixture {
public:
    std::filesystem::path study;     ///< the folder of the recording and its findings
    std::filesystem::path ecg;       ///< the pulse-train 12-lead ECG
    std::filesystem::path readingSr; ///< signed by the authorized reader
    std::filesystem::path modelDir;
    std::string modelDigest;

    explicit ReportFixture(TimePoint now) : ReadingFixture(now) {}

    bool setUpReport() {
        if (!setUp()) {
            return false;
        }
        study = root / "study";
        ecg = study / "ecg.dcm";
        if (!writePulseEcg()) {
            return false;
        }
        readingSr = sign("reading.dcm", readerFiles, kReadingJson, ecg);
        if (readingSr.empty()) {
            return false;
        }
        return approveModel() && writeFindings();
    }

private:
    bool writePulseEcg() {
        ecg::SynthParams params;
        params.durationSeconds = 10.0;
        params.samplingHz = 500.0;
        auto rec = ecg::synthesizeRecording(params);
        if (!rec) {
            error = rec.error().message;
            return false;
        }
        rec->patient.name = "Test^Report";
        rec->patient.id = "PAT-001";
        rec->studyInstanceUID = "1.2.826.0.1.3680043.10.1001.21";
        rec->seriesInstanceUID = "1.2.826.0.1.3680043.10.1001.22";
        rec->sopInstanceUID = "1.2.826.0.1.3680043.10.1001.23";
        rec->studyDescription = "Resting 12-lead ECG (report test)";
        rec->acquisition.dateTime = "20261201101500";
        rec->annotations.clear();
        for (auto& group : rec->groups) {
            if (group.isMedianBeat()) {
                continue;
            }
            for (auto& ch : group.channels) {
                if (ch.unitsToMicrovolts != 1.0 || ch.baseline != 0.0) {
                    error = "the synthetic channel is not in microvolts without baseline";
                    return false;
                }
                const auto oneMv = static_cast<std::int32_t>(std::lround(1000.0 / (ch.sensitivity * ch.correction)));
                for (std::size_t i = 0; i < ch.raw.size(); ++i) {
                    const double t = static_cast<double>(i) / group.samplingHz;
                    const double inSecond = t - std::floor(t);
                    const bool high = inSecond >= kPulseFirstSeconds - 1e-9 &&
                                      inSecond < kPulseFirstSeconds + kPulseSeconds - 1e-9;
                    ch.raw[i] = high ? oneMv : 0;
                }
            }
        }
        std::filesystem::create_directories(study);
        auto written = ecg::writeDicomEcg(*rec, ecg);
        if (!written) {
            error = written.error().message;
            return false;
        }
        // The reading binds to the patient: the writer keeps the ID, the study date comes from the fixture.
        DcmFileFormat ff;
        // Everything into memory first: DCMTK leaves long values on disk until asked, and the file is
        // overwritten.
        if (ff.loadFile(ecg.c_str()).bad() || ff.loadAllDataIntoMemory().bad()) {
            error = "cannot reload the synthetic ECG";
            return false;
        }
        ff.getDataset()->putAndInsertString(DCM_StudyDate, "20261201");
        return ff.saveFile(ecg.c_str(), EXS_LittleEndianExplicit).good();
    }

    /// Adds a signed model and its finding signer to the reading trust store (policy version 2, pinned).
    bool approveModel() {
        modelDir = root / "model";
        writeAll(modelDir / "config.json", "{\"layers\": 2}\n");
        writeAll(modelDir / "weights" / "w0.bin", std::string(4096, '\x11'));
        auto bundle = signModel(modelDir, pki.identity(pki.modelSigner), ModelSignOptions{});
        auto manifest = hashModelDirectory(modelDir, ModelSignOptions{});
        if (!bundle || !manifest) {
            error = "cannot sign the test model";
            return false;
        }
        modelDigest = manifest->rootDigest;
        writeAll(trust / "models" / "ecg-omi-detector.sig", *bundle);
        const std::string pin = "sha256:" + spkiSha256(pki.inter.cert);
        const std::string policy =
            std::string(R"({"policyVersion": 2, "revocation": "require", "readingSigners": [)") +
            R"({"identity": "email:)" + kReaderEmail + R"(", "ca": ")" + pin + R"("}],)" +
            R"( "models": [{"name": "ecg-omi-detector", "version": "2.1.0", "digest": ")" + modelDigest +
            R"(", "modalities": ["ECG"], "modelSigners": [{"identity": "cn:)" + TestPki::kModelSigner +
            R"(", "ca": ")" + pin + R"("}], "findingSigners": [{"identity": "dns:)" + TestPki::kFindingSigner +
            R"(", "ca": ")" + pin + R"("}]}]})";
        writeAll(trust / "policy.json", policy);
        return true;
    }

    bool writeFindings() {
        auto input = openInput(ecg);
        if (!input) {
            error = input.error().message;
            return false;
        }
        const std::string producedAt =
            formatRfc3339(std::chrono::floor<std::chrono::seconds>(pki.now - std::chrono::hours(1)));
        auto predicate = json::parse(R"({"model": {"name": "ecg-omi-detector", "version": "2.1.0",
                                                   "digest": {"sha256": ")" + modelDigest + R"("}},
            "producedAt": ")" + producedAt + R"(", "input": {"modality": "ECG"},
            "findings": [{"id": "f1",
                "code": {"scheme": "SCT", "value": "401303003",
                         "meaning": "Acute ST segment elevation myocardial infarction"},
                "text": ")" + std::string(kFindingText) + R"(", "confidence": 0.93,
                "region": {"kind": "ecg", "leads": ["V2", "V3"], "startSeconds": 0.5, "endSeconds": 1.5},
                "measurements": [{"name": "ST elevation V2", "value": 0.25, "unit": "mV"}]}]})");
        if (!predicate) {
            error = "the test predicate does not parse";
            return false;
        }
        auto signedBundle = signFinding(pki.identity(pki.finding), *predicate, *input, study);
        if (!signedBundle) {
            error = signedBundle.error().message;
            return false;
        }
        writeAll(study / "ecg.omi.finding.json", *signedBundle);
        // The same bundle with its signed text edited afterwards: the signature no longer matches.
        auto doc = json::parse(*signedBundle);
        json::Value* env = doc->find("dsseEnvelope");
        auto payload = base64Decode(env->find("payload")->asString());
        const auto at = payload->find(kFindingText);
        if (at == std::string::npos) {
            error = "the finding text is not in the payload";
            return false;
        }
        payload->replace(at, std::string_view(kFindingText).size(), kTamperedText);
        env->set("payload", json::Value::string(base64Encode(*payload)));
        writeAll(study / "ecg.tampered.finding.json", json::serialize(*doc));
        return true;
    }
};

} // namespace veridicor::test
