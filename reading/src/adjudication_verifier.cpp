// Verifies an adjudication SR with the reading's checks (sr_verification.h) and the adjudication's own:
// the adjudicator is not the signer of the reading adjudicated.
#include <veridicor/reading/adjudication_sr.h>

#include "sr_verification.h"

#include <veridicor/dicom/content_digest.h>
#include <veridicor/reading/sr_reader.h>
#include <veridicor/verify/json.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmsign/dcsignat.h>
#include <dcmtk/dcmsign/sicert.h>

namespace veridicor::reading {

namespace json = verify::json;

namespace {

/// The reading SR given beside the adjudication: it must be the one referenced, of the same patient, study and
/// recording, and its own signer (from its signature) must not be the adjudicator.
void checkReadingGiven(const AdjudicationDocument& doc, const std::filesystem::path& readingSr,
                       const std::vector<verify::Certificate>& signers, AdjudicationVerdict& v) {
    v.bound = true;
    auto file = detail::loadSignedSr(readingSr);
    auto reading = file ? readReadingDataset(*file->dataset()) : Expected<ReadingDocument, Error>(Unexpected{file.error()});
    if (!reading) {
        detail::failCheck(v, ReadingCheckId::Binding, ReadingReason::DataMismatch,
                          "The reading given cannot be read as a reading SR (" + reading.error().message.substr(0, 200) +
                              ")");
        return;
    }
    if (reading->patientId != doc.patientId || reading->issuerOfPatientId != doc.issuerOfPatientId ||
        reading->studyInstanceUID != doc.studyInstanceUID) {
        detail::failCheck(v, ReadingCheckId::Binding, ReadingReason::PatientMismatch,
                          "The reading given is another patient's or another study's than the adjudication's");
    }
    if (reading->sopInstanceUID != doc.adjudication.reading) {
        detail::failCheck(v, ReadingCheckId::Binding, ReadingReason::DataMismatch,
                          "The reading given is not the reading the adjudication settles (SOP Instance UID)");
    }
    if (reading->evidenceSopInstanceUID != doc.evidenceSopInstanceUID ||
        reading->evidenceDigestMethod != doc.evidenceDigestMethod || reading->evidenceDigest != doc.evidenceDigest) {
        detail::failCheck(v, ReadingCheckId::Binding, ReadingReason::DataMismatch,
                          "The reading given read another recording than the adjudication names");
    }
    DcmSignature signature;
    signature.attach(file->dataset());
    if (signature.numberOfSignatures() > 0 && signature.selectSignature(0).good()) {
        SiCertificate* cert = signature.getCurrentCertificate();
        if (cert != nullptr && cert->getRawCertificate() != nullptr && !signers.empty()) {
            const verify::CertificateInfo readingSigner =
                verify::Certificate::fromNative(cert->getRawCertificate()).info();
            if (detail::samePerson(signers.front(), readingSigner)) {
                detail::failCheck(v, ReadingCheckId::Signer, ReadingReason::AdjudicatorIsReader,
                                  "The adjudicator is the signer of the reading given");
            }
        }
    }
    signature.detach();
}

json::Value documentJson(const AdjudicationDocument& d) {
    json::Value evidence = json::Value::object();
    evidence.set("sopClassUID", json::Value::string(d.evidenceSopClassUID));
    evidence.set("sopInstanceUID", json::Value::string(d.evidenceSopInstanceUID));
    evidence.set("digestMethod", json::Value::string(d.evidenceDigestMethod));
    evidence.set("digest", json::Value::string(d.evidenceDigest));
    json::Value reading = json::Value::object();
    reading.set("sopInstanceUID", json::Value::string(d.adjudication.reading));
    reading.set("seriesInstanceUID", json::Value::string(d.readingSeriesUID));
    reading.set("signer", json::Value::string(d.readingSignerName));
    reading.set("signerCertificateSha256", json::Value::string(d.readingSignerCertSha256));
    json::Value out = json::Value::object();
    out.set("sopInstanceUID", json::Value::string(d.sopInstanceUID));
    out.set("patientId", json::Value::string(d.patientId));
    out.set("studyInstanceUID", json::Value::string(d.studyInstanceUID));
    out.set("observer", json::Value::string(d.observerName));
    out.set("completionFlag", json::Value::string(d.complete ? "COMPLETE" : "PARTIAL"));
    out.set("verificationFlag", json::Value::string(d.verified ? "VERIFIED" : "UNVERIFIED"));
    out.set("reading", std::move(reading));
    out.set("evidence", std::move(evidence));
    return out;
}

} // namespace

Expected<AdjudicationVerdict, Error> verifyAdjudicationFile(const std::filesystem::path& path,
                                                            const verify::TrustStore& store, verify::TimePoint when,
                                                            const dicom::ContentIdentity* displayed,
                                                            const std::filesystem::path* readingSr) {
    auto file = detail::loadSignedSr(path);
    if (!file) {
        return Unexpected{file.error()};
    }
    AdjudicationVerdict v;
    detail::startVerdict(v, when);
    DcmDataset& ds = *file->dataset();
    auto doc = readAdjudicationDataset(ds);
    if (!doc) {
        detail::failCheck(v, ReadingCheckId::Structure, ReadingReason::Malformed, doc.error().message);
    } else {
        v.document = std::move(*doc);
    }
    detail::checkCleanEncoding(*file, v);
    std::vector<verify::Certificate> signers;
    detail::checkSignatures(ds, v, signers);
    if (v.document) {
        detail::checkFinalAndSigner(v.document->complete, v.document->verified, v.document->verifyingObserverName,
                                    signers, v);
    }
    if (v.document && detail::at(v, ReadingCheckId::Structure).status != verify::CheckStatus::Failed) {
        detail::pass(v, ReadingCheckId::Structure,
                     "A Comprehensive SR adjudication of " + std::to_string(v.document->adjudication.categories.size()) +
                         " categories");
    }
    detail::checkChainAndSigner(signers, store, when, v);
    // The adjudicator against the reading's signer as recorded in the SR (signed with the rest of it): a
    // second person must settle the discordance, so an adjudication by the reader is never trusted.
    if (v.document && !signers.empty()) {
        verify::CertificateInfo recorded;
        recorded.sha256Fingerprint = v.document->readingSignerCertSha256;
        recorded.identities = v.document->readingSignerIdentities;
        if (detail::samePerson(signers.front(), recorded)) {
            detail::failCheck(v, ReadingCheckId::Signer, ReadingReason::AdjudicatorIsReader,
                              "The adjudication is signed by the clinician who signed the reading it adjudicates (" +
                                  v.document->readingSignerName + ")");
        }
    }
    const bool bindingAsked = displayed != nullptr || readingSr != nullptr;
    if (!bindingAsked) {
        detail::notChecked(v, ReadingCheckId::Binding,
                           "No recording on screen was given: the patient and the evidence were not compared with it");
    } else if (v.document) {
        const AdjudicationDocument& d = *v.document;
        if (readingSr != nullptr) {
            checkReadingGiven(d, *readingSr, signers, v);
        }
        if (displayed != nullptr) {
            detail::checkPatientBinding(d.studyInstanceUID, d.patientId, d.issuerOfPatientId, *displayed, v,
                                        "adjudication");
            detail::checkEvidenceBinding(d.evidenceSopInstanceUID, d.evidenceDigestMethod, d.evidenceDigest,
                                         *displayed, v, "adjudication");
        } else if (detail::at(v, ReadingCheckId::Binding).status != verify::CheckStatus::Failed) {
            detail::pass(v, ReadingCheckId::Binding,
                         "The adjudication settles the reading given, of the same patient and recording");
        }
    } else {
        detail::notChecked(v, ReadingCheckId::Binding, "The SR could not be read as an adjudication");
    }
    detail::finishVerdict(v, bindingAsked);
    return v;
}

std::string adjudicationVerdictToJson(const AdjudicationVerdict& v, int indent) {
    json::Value out = detail::verdictJson(v);
    // Only a trusted adjudication's content is echoed (and counted): an untrusted one shows its reasons only.
    if (v.trusted() && v.document) {
        out.set("report", documentJson(*v.document));
        out.set("adjudication", adjudicationToJsonValue(v.document->adjudication));
    }
    return json::serializeIndented(out, indent) + "\n";
}

} // namespace veridicor::reading
