#include <veridicor/reading/reading_verifier.h>

#include "sr_verification.h"

#include <veridicor/verify/json.h>

#include <algorithm>

namespace veridicor::reading {

namespace json = verify::json;

std::string_view readingReasonName(ReadingReason reason) {
    switch (reason) {
    case ReadingReason::AdjudicatorIsReader:
        return "ADJUDICATOR_IS_READER";
    case ReadingReason::BadSignature:
        return "BAD_SIGNATURE";
    case ReadingReason::CertExpired:
        return "CERT_EXPIRED";
    case ReadingReason::CertRevoked:
        return "CERT_REVOKED";
    case ReadingReason::DataMismatch:
        return "DATA_MISMATCH";
    case ReadingReason::Malformed:
        return "MALFORMED";
    case ReadingReason::PatientMismatch:
        return "PATIENT_MISMATCH";
    case ReadingReason::SignatureIncomplete:
        return "SIGNATURE_INCOMPLETE";
    case ReadingReason::SignerNotAuthorized:
        return "SIGNER_NOT_AUTHORIZED";
    case ReadingReason::Unsigned:
        return "UNSIGNED";
    case ReadingReason::UntrustedChain:
        return "UNTRUSTED_CHAIN";
    case ReadingReason::WeakAlgorithm:
        return "WEAK_ALGORITHM";
    }
    return "MALFORMED";
}

std::string_view readingReasonExplanation(ReadingReason reason) {
    switch (reason) {
    case ReadingReason::AdjudicatorIsReader:
        return "The adjudication was signed by the clinician whose reading it settles: a second reader must "
               "adjudicate.";
    case ReadingReason::BadSignature:
        return "The signature does not match the report: it was changed after it was signed.";
    case ReadingReason::CertExpired:
        return "The signer's certificate was not valid at the time of checking.";
    case ReadingReason::CertRevoked:
        return "The signer's certificate has been revoked, or its revocation status cannot be checked.";
    case ReadingReason::DataMismatch:
        return "The report's evidence is not the recording on screen.";
    case ReadingReason::Malformed:
        return "The file is not a complete reading report of this workstation.";
    case ReadingReason::PatientMismatch:
        return "The report is about another patient or another study than the recording on screen.";
    case ReadingReason::SignatureIncomplete:
        return "The signature covers only part of the report; the rest could have been changed.";
    case ReadingReason::SignerNotAuthorized:
        return "The signer is not one of the readers this site allows to sign readings.";
    case ReadingReason::Unsigned:
        return "The reading is not signed: it is preliminary.";
    case ReadingReason::UntrustedChain:
        return "The signer's certificate does not lead to a certificate authority this site trusts.";
    case ReadingReason::WeakAlgorithm:
        return "The signature or the signer's key uses an algorithm too weak to rely on.";
    }
    return "";
}

std::string_view readingCheckName(ReadingCheckId id) {
    switch (id) {
    case ReadingCheckId::Structure:
        return "structure";
    case ReadingCheckId::Signature:
        return "signature";
    case ReadingCheckId::Chain:
        return "chain";
    case ReadingCheckId::Signer:
        return "signer";
    case ReadingCheckId::Binding:
        return "binding";
    }
    return "structure";
}


bool SignedSrVerdict::has(ReadingReason r) const { return std::find(reasons.begin(), reasons.end(), r) != reasons.end(); }

Expected<ReadingVerdict, Error> verifyReadingFile(const std::filesystem::path& path, const verify::TrustStore& store,
                                                  verify::TimePoint when, const dicom::ContentIdentity* displayed) {
    auto file = detail::loadSignedSr(path);
    if (!file) {
        return Unexpected{file.error()};
    }
    ReadingVerdict v;
    detail::startVerdict(v, when);
    DcmDataset& ds = *file->dataset();
    auto doc = readReadingDataset(ds);
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
        detail::pass(v, ReadingCheckId::Structure, "A Comprehensive SR reading (" + v.document->kind + " report)");
    }
    detail::checkChainAndSigner(signers, store, when, v);
    if (displayed == nullptr) {
        detail::notChecked(v, ReadingCheckId::Binding,
                           "No recording on screen was given: the patient and the evidence were not compared with it");
    } else if (v.document) {
        const ReadingDocument& d = *v.document;
        detail::checkPatientBinding(d.studyInstanceUID, d.patientId, d.issuerOfPatientId, *displayed, v, "reading");
        detail::checkEvidenceBinding(d.evidenceSopInstanceUID, d.evidenceDigestMethod, d.evidenceDigest, *displayed,
                                     v, "reading");
    } else {
        detail::notChecked(v, ReadingCheckId::Binding, "The SR could not be read as a reading");
    }
    detail::finishVerdict(v, displayed != nullptr);
    return v;
}

namespace {

json::Value documentJson(const ReadingDocument& d) {
    json::Value evidence = json::Value::object();
    evidence.set("sopClassUID", json::Value::string(d.evidenceSopClassUID));
    evidence.set("sopInstanceUID", json::Value::string(d.evidenceSopInstanceUID));
    evidence.set("digestMethod", json::Value::string(d.evidenceDigestMethod));
    evidence.set("digest", json::Value::string(d.evidenceDigest));
    json::Value out = json::Value::object();
    out.set("sopInstanceUID", json::Value::string(d.sopInstanceUID));
    out.set("kind", json::Value::string(d.kind));
    out.set("patientId", json::Value::string(d.patientId));
    out.set("studyInstanceUID", json::Value::string(d.studyInstanceUID));
    out.set("observer", json::Value::string(d.observerName));
    out.set("completionFlag", json::Value::string(d.complete ? "COMPLETE" : "PARTIAL"));
    out.set("verificationFlag", json::Value::string(d.verified ? "VERIFIED" : "UNVERIFIED"));
    out.set("evidence", std::move(evidence));
    out.set("amends", d.predecessorSopInstanceUID.empty() ? json::Value()
                                                          : json::Value::string(d.predecessorSopInstanceUID));
    return out;
}

} // namespace

std::string readingVerdictToJson(const ReadingVerdict& v, int indent) {
    json::Value out = detail::verdictJson(v);
    // Only a trusted reading's content is echoed: an untrusted one is shown with its reasons, never its text.
    if (v.trusted() && v.document) {
        out.set("report", documentJson(*v.document));
        out.set("reading", readingToJsonValue(v.document->reading));
    }
    return json::serializeIndented(out, indent) + "\n";
}

std::string unverifiedReadingToJson(const ReadingDocument& d, int indent) {
    json::Value out = json::Value::object();
    out.set("verified", json::Value::boolean(false));
    out.set("notice", json::Value::string("NOT VERIFIED: this is the SR's content as written; no signature, "
                                          "signer or evidence was checked (use reading-verify)"));
    out.set("report", documentJson(d));
    out.set("reading", readingToJsonValue(d.reading));
    return json::serializeIndented(out, indent) + "\n";
}

} // namespace veridicor::reading
