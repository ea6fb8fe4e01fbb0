#include <veridicor/reading/reading_verifier.h>

#include "signature_profile.h"
#include "signer_name.h"

#include <veridicor/dicom/content_digest.h>
#include <veridicor/dicom/load.h>
#include <veridicor/verify/json.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcvrat.h>
#include <dcmtk/dcmsign/dcsignat.h>
#include <dcmtk/dcmsign/sicert.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <set>

namespace veridicor::reading {

namespace json = verify::json;

std::string_view readingReasonName(ReadingReason reason) {
    switch (reason) {
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

bool ReadingVerdict::has(ReadingReason r) const { return std::find(reasons.begin(), reasons.end(), r) != reasons.end(); }

namespace {

ReadingCheck& at(ReadingVerdict& v, ReadingCheckId id) { return v.checks[static_cast<std::size_t>(id)]; }

void pass(ReadingVerdict& v, ReadingCheckId id, std::string detail) {
    ReadingCheck& c = at(v, id);
    c.status = verify::CheckStatus::Passed;
    c.detail = std::move(detail);
}

void failCheck(ReadingVerdict& v, ReadingCheckId id, ReadingReason reason, const std::string& detail) {
    ReadingCheck& c = at(v, id);
    c.status = verify::CheckStatus::Failed;
    if (std::find(c.reasons.begin(), c.reasons.end(), reason) == c.reasons.end()) {
        c.reasons.push_back(reason);
    }
    c.detail = c.detail.empty() ? detail : c.detail + "; " + detail;
}

void notChecked(ReadingVerdict& v, ReadingCheckId id, std::string detail) {
    ReadingCheck& c = at(v, id);
    c.status = verify::CheckStatus::NotChecked;
    c.detail = std::move(detail);
}

std::string tagName(const DcmTagKey& key) {
    std::array<char, 16> buf{};
    (void)std::snprintf(buf.data(), buf.size(), "(%04X,%04X)", key.getGroup(), key.getElement());
    DcmTag tag(key);
    const char* name = tag.getTagName();
    return std::string(name != nullptr ? name : "Unknown") + " " + buf.data();
}

/// The top-level attributes a signature must cover for the reading to be covered: all of them but the
/// signature's own sequences (Digital Signatures and MAC Parameters, which dcmsign never signs) and group
/// lengths.
std::vector<DcmTagKey> attributesToCover(DcmItem& dataset) {
    std::vector<DcmTagKey> out;
    for (unsigned long i = 0; i < dataset.card(); ++i) {
        const DcmElement* e = dataset.getElement(i);
        const DcmTagKey k(e->getGTag(), e->getETag());
        if (k == DCM_DigitalSignaturesSequence || k == DCM_MACParametersSequence || k.getElement() == 0) {
            continue;
        }
        out.push_back(k);
    }
    return out;
}

/// The CA certificates of the trust store's cas/ that lead from `leaf` up towards an anchor, in order
/// (each issued the one before it); at most the chain bound of findings. Why cas/: a DICOM signature
/// carries only the signer's certificate.
std::vector<verify::Certificate> intermediatesFor(const verify::Certificate& leaf, const verify::TrustStore& store) {
    std::vector<verify::Certificate> out;
    X509* current = leaf.native();
    while (out.size() + 1 < verify::kMaxChainCertificates) {
        const verify::Certificate* next = nullptr;
        for (const auto& ca : store.knownCas()) {
            X509* c = ca.native();
            if (X509_check_issued(c, current) == X509_V_OK && X509_check_issued(c, c) != X509_V_OK &&
                std::none_of(out.begin(), out.end(), [&](const verify::Certificate& o) {
                    return X509_cmp(o.native(), c) == 0;
                })) {
                next = &ca;
                break;
            }
        }
        if (next == nullptr) {
            break;
        }
        out.push_back(*next);
        current = next->native();
    }
    return out;
}

std::string untyped(const std::string& id) {
    const auto colon = id.find(':');
    return colon == std::string::npos ? id : id.substr(colon + 1);
}

/// The R2.1 encoding of one present string attribute, hashed: what dicom/content_digest.h records for it.
std::string attributeDigest(std::uint16_t group, std::uint16_t element, const std::string& value) {
    std::string enc;
    enc.push_back(static_cast<char>(group >> 8U));
    enc.push_back(static_cast<char>(group & 0xFFU));
    enc.push_back(static_cast<char>(element >> 8U));
    enc.push_back(static_cast<char>(element & 0xFFU));
    const bool present = !value.empty();
    enc.push_back(present ? '\x01' : '\x00');
    if (present) {
        const std::uint64_t n = value.size();
        for (int i = 7; i >= 0; --i) {
            enc.push_back(static_cast<char>((n >> (8U * static_cast<unsigned>(i))) & 0xFFU));
        }
        enc += value;
    }
    return dicom::toHex(dicom::sha256(enc.data(), enc.size()));
}

const std::string* displayedAttribute(const dicom::ContentIdentity& d, std::string_view path) {
    for (const auto& a : d.attributes) {
        if (a.path == path) {
            return &a.sha256;
        }
    }
    return nullptr;
}

void checkSignatures(DcmDataset& ds, const verify::TrustStore& store, verify::TimePoint when, ReadingVerdict& v,
                     std::vector<verify::Certificate>& signers) {
    initializeSigning();
    DcmSignature signature;
    signature.attach(&ds);
    const unsigned long n = signature.numberOfSignatures();
    if (n == 0) {
        failCheck(v, ReadingCheckId::Signature, ReadingReason::Unsigned,
                  "The SR carries no digital signature: it is a preliminary reading");
        signature.detach();
        return;
    }
    if (n > 16) {
        failCheck(v, ReadingCheckId::Signature, ReadingReason::Malformed,
                  "The SR carries " + std::to_string(n) + " signatures; a reading has one");
        signature.detach();
        return;
    }
    const std::vector<DcmTagKey> needed = attributesToCover(ds);
    ReadingSignatureProfile profile;
    for (unsigned long i = 0; i < n; ++i) {
        const std::string which = n == 1 ? "The signature" : "Signature " + std::to_string(i + 1);
        if (signature.selectSignature(i).bad()) {
            failCheck(v, ReadingCheckId::Signature, ReadingReason::BadSignature, which + " cannot be read");
            continue;
        }
        if (OFCondition c = signature.verifyCurrent(); c.bad()) {
            if (c == SI_EC_VerificationFailed_CertExpiredAtSignature ||
                c == SI_EC_VerificationFailed_CertNotYetValidAtSig) {
                failCheck(v, ReadingCheckId::Chain, ReadingReason::CertExpired,
                          which + " was made when the signer's certificate was not valid (dcmsign: " + c.text() +
                              ")");
            } else {
                failCheck(v, ReadingCheckId::Signature, ReadingReason::BadSignature,
                          which + " does not verify (dcmsign: " + c.text() + ")");
                continue;
            }
        }
        OFString mac;
        signature.getCurrentMacName(mac);
        if (mac != "SHA256" && mac != "SHA384" && mac != "SHA512") {
            failCheck(v, ReadingCheckId::Signature, ReadingReason::WeakAlgorithm,
                      which + " uses the MAC " + std::string(mac.c_str()) + "; SHA-256 or stronger is required");
        }
        DcmAttributeTag signedTags(DCM_DataElementsSigned);
        if (signature.getCurrentDataElementsSigned(signedTags).good()) {
            // A list of signed attributes: every attribute of the reading must be in it. The SR profile's
            // own minimum is not enough — the content tree and the evidence would be left open.
            std::vector<std::string> missing;
            for (const auto& k : needed) {
                bool found = false;
                DcmTagKey t;
                for (unsigned long j = 0; j < signedTags.getVM() && !found; ++j) {
                    found = signedTags.getTagVal(t, j).good() && t == k;
                }
                if (!found) {
                    missing.push_back(tagName(k));
                }
            }
            if (!missing.empty()) {
                std::string list;
                for (std::size_t j = 0; j < missing.size() && j < 8; ++j) {
                    list += (j > 0 ? ", " : "") + missing[j];
                }
                if (missing.size() > 8) {
                    list += ", …";
                }
                std::string detail = which;
                detail += " covers only part of the report: ";
                detail += std::to_string(missing.size());
                detail += " attribute(s) are not signed (";
                detail += list;
                detail += ")";
                failCheck(v, ReadingCheckId::Signature, ReadingReason::SignatureIncomplete, detail);
            }
        }
        if (OFCondition c = signature.verifySignatureProfile(profile); c.bad()) {
            failCheck(v, ReadingCheckId::Signature, ReadingReason::SignatureIncomplete,
                      which + " does not meet the Structured Reporting signature profile (" + c.text() + ")");
        }
        SiCertificate* cert = signature.getCurrentCertificate();
        if (cert == nullptr || cert->getRawCertificate() == nullptr) {
            failCheck(v, ReadingCheckId::Signature, ReadingReason::UntrustedChain, which + " carries no certificate");
            continue;
        }
        signers.push_back(verify::Certificate::fromNative(cert->getRawCertificate()));
    }
    signature.detach();
    if (at(v, ReadingCheckId::Signature).status != verify::CheckStatus::Failed) {
        pass(v, ReadingCheckId::Signature,
             n == 1 ? std::string("The signature verifies (dcmsign) and covers every attribute of the report")
                    : std::to_string(n) + " signatures verify (dcmsign) and cover every attribute of the report");
    }
    (void)store;
    (void)when;
}

void checkChainAndSigner(const std::vector<verify::Certificate>& signers, const verify::TrustStore& store,
                         verify::TimePoint when, ReadingVerdict& v) {
    if (signers.empty()) {
        notChecked(v, ReadingCheckId::Chain, "No signer certificate to check");
        notChecked(v, ReadingCheckId::Signer, "No signer certificate to check");
        return;
    }
    const verify::Policy& policy = store.policy();
    bool allAuthorized = true;
    std::string authorizedAs;
    for (std::size_t i = 0; i < signers.size(); ++i) {
        const verify::Certificate& leaf = signers[i];
        const verify::ChainResult chain = store.verifyChain(leaf, intermediatesFor(leaf, store), when);
        if (i == 0) {
            verify::SignerInfo s;
            const verify::CertificateInfo info = leaf.info();
            s.chainTrusted = chain.ok();
            s.typedIdentities = chain.identities;
            for (const auto& id : chain.identities) {
                s.identities.push_back(untyped(id));
            }
            if (!chain.reachedAnchor) {
                s.identities = info.identities;
            }
            s.pathCaSpki = chain.pathCaSpki;
            s.issuer = info.issuer;
            s.notBefore = info.notBefore;
            s.notAfter = info.notAfter;
            for (const auto& c : chain.chain) {
                s.chain.push_back(c.info());
            }
            v.signer = std::move(s);
        }
        if (!chain.ok()) {
            for (const verify::Reason r : chain.reasons) {
                ReadingReason rr = ReadingReason::UntrustedChain;
                if (r == verify::Reason::CertExpired) {
                    rr = ReadingReason::CertExpired;
                } else if (r == verify::Reason::CertRevoked) {
                    rr = ReadingReason::CertRevoked;
                } else if (r == verify::Reason::WeakAlgorithm) {
                    rr = ReadingReason::WeakAlgorithm;
                }
                failCheck(v, ReadingCheckId::Chain, rr, chain.detail);
            }
            allAuthorized = false;
            continue;
        }
        const auto auth = verify::authorizeSigner(policy.readingSigners, policy.policyVersion, chain.identities,
                                                  chain.pathCaSpki);
        if (!auth) {
            allAuthorized = false;
            failCheck(v, ReadingCheckId::Signer, ReadingReason::SignerNotAuthorized,
                      policy.readingSigners.empty()
                          ? std::string("The trust store's policy names no one who may sign readings "
                                        "(readingSigners)")
                          : std::string("The signer is not listed in the policy's readingSigners under the CA "
                                        "that issued its certificate"));
        } else if (i == 0) {
            authorizedAs = auth->identity;
        }
    }
    if (at(v, ReadingCheckId::Chain).status != verify::CheckStatus::Failed) {
        pass(v, ReadingCheckId::Chain, "The signer's certificate chains to a trusted anchor and is neither expired "
                                       "nor revoked");
    } else {
        notChecked(v, ReadingCheckId::Signer, "The chain did not verify, so whether the signer may sign readings "
                                              "was not decided");
        return;
    }
    if (allAuthorized) {
        v.signer->authorizedAs = authorizedAs;
        pass(v, ReadingCheckId::Signer, "Signed by " + authorizedAs + ", who may sign readings");
    }
}

void checkBinding(const ReadingDocument& doc, const dicom::ContentIdentity& d, ReadingVerdict& v) {
    v.bound = true;
    if (doc.studyInstanceUID != d.studyInstanceUID) {
        failCheck(v, ReadingCheckId::Binding, ReadingReason::PatientMismatch,
                  "The reading belongs to another study than the recording on screen");
    }
    const std::string* pid = displayedAttribute(d, "0010,0020");
    const std::string* issuer = displayedAttribute(d, "0010,0021");
    if (pid == nullptr || issuer == nullptr || *pid != attributeDigest(0x0010, 0x0020, doc.patientId) ||
        *issuer != attributeDigest(0x0010, 0x0021, doc.issuerOfPatientId)) {
        failCheck(v, ReadingCheckId::Binding, ReadingReason::PatientMismatch,
                  "The reading's Patient ID (or its issuer) is not that of the recording on screen");
    }
    const dicom::ContentMethod method = dicom::contentMethod(d.kind, 2);
    if (doc.evidenceSopInstanceUID != d.sopInstanceUID) {
        failCheck(v, ReadingCheckId::Binding, ReadingReason::DataMismatch,
                  "The reading's evidence is another recording (SOP Instance UID) than the one on screen");
    } else if (doc.evidenceDigestMethod != dicom::contentMethodName(method) ||
               doc.evidenceDigest != d.digest(method)) {
        failCheck(v, ReadingCheckId::Binding, ReadingReason::DataMismatch,
                  "The reading's evidence digest is not the content on screen: the recording was read as other "
                  "data than is displayed now");
    }
    if (at(v, ReadingCheckId::Binding).status != verify::CheckStatus::Failed) {
        pass(v, ReadingCheckId::Binding, "The reading is this patient's, and its evidence is the recording on "
                                         "screen (" +
                                             std::string(dicom::contentMethodName(method)) + ")");
    }
}

} // namespace

Expected<ReadingVerdict, Error> verifyReadingFile(const std::filesystem::path& path, const verify::TrustStore& store,
                                                  verify::TimePoint when, const dicom::ContentIdentity* displayed) {
    dicom::LoadOptions options;
    options.maxFileBytes = kMaxSrFileBytes;
    auto file = dicom::loadFile(path, options);
    if (!file) {
        return Unexpected{Error{file.error().code == dicom::ErrorCode::TooLarge ? ErrorCode::TooLarge
                                                                                : ErrorCode::Unreadable,
                                path.string() + ": " + file.error().message}};
    }
    ReadingVerdict v;
    v.at = when;
    for (std::size_t i = 0; i < kAllReadingChecks.size(); ++i) {
        v.checks[i].id = kAllReadingChecks[i];
    }
    DcmDataset& ds = *file->dataset();
    auto doc = readReadingDataset(ds);
    if (!doc) {
        failCheck(v, ReadingCheckId::Structure, ReadingReason::Malformed, doc.error().message);
    } else {
        v.document = std::move(*doc);
    }
    // DCMTK repairs some damaged encodings while reading (a length that overruns its sequence, an odd
    // length); a signature is computed over DCMTK's re-encoding, so it may still verify over a file whose bytes
    // changed. A signed reading's file must read cleanly.
    if (!file->warnings.empty()) {
        failCheck(v, ReadingCheckId::Structure, ReadingReason::Malformed,
                  "The file's encoding is damaged and was repaired while reading it (" +
                      file->warnings.front().substr(0, 200) + ")");
    }
    std::vector<verify::Certificate> signers;
    checkSignatures(ds, store, when, v, signers);
    if (v.document && !signers.empty() && (!v.document->complete || !v.document->verified)) {
        failCheck(v, ReadingCheckId::Structure, ReadingReason::Malformed,
                  "The SR is signed but not marked final (Completion Flag COMPLETE, Verification Flag VERIFIED)");
    }
    // The report names its signer: the Verifying Observer must be the person whose key signed it, so that the
    // name shown beside a trusted reading is the certificate's, not a claim inside the SR.
    if (v.document && !signers.empty() && v.document->verifyingObserverName != signerName(signers.front())) {
        failCheck(v, ReadingCheckId::Structure, ReadingReason::Malformed,
                  "The SR's Verifying Observer is not the person whose certificate signed it");
    }
    if (v.document && at(v, ReadingCheckId::Structure).status != verify::CheckStatus::Failed) {
        pass(v, ReadingCheckId::Structure, "A Comprehensive SR reading (" + v.document->kind + " report)");
    }
    checkChainAndSigner(signers, store, when, v);
    if (displayed == nullptr) {
        notChecked(v, ReadingCheckId::Binding,
                   "No recording on screen was given: the patient and the evidence were not compared with it");
    } else if (v.document) {
        checkBinding(*v.document, *displayed, v);
    } else {
        notChecked(v, ReadingCheckId::Binding, "The SR could not be read as a reading");
    }
    std::set<ReadingReason> reasons;
    for (const auto& c : v.checks) {
        reasons.insert(c.reasons.begin(), c.reasons.end());
    }
    v.reasons.assign(reasons.begin(), reasons.end());
    const bool passed = std::all_of(v.checks.begin(), v.checks.end(), [&](const ReadingCheck& c) {
        return c.ok() || (c.id == ReadingCheckId::Binding && displayed == nullptr);
    });
    v.trust = v.reasons.empty() && passed ? verify::Trust::Trusted : verify::Trust::Untrusted;
    return v;
}

namespace {

json::Value signerJson(const std::optional<verify::SignerInfo>& s) {
    if (!s) {
        return {};
    }
    json::Value identities = json::Value::array();
    json::Value typed = json::Value::array();
    if (s->chainTrusted) {
        for (const auto& id : s->identities) {
            identities.push(json::Value::string(id));
        }
        for (const auto& id : s->typedIdentities) {
            typed.push(json::Value::string(id));
        }
    }
    json::Value out = json::Value::object();
    out.set("identity", std::move(identities));
    out.set("identities", std::move(typed));
    out.set("authorized", s->chainTrusted && !s->authorizedAs.empty() ? json::Value::string(s->authorizedAs)
                                                                      : json::Value());
    out.set("issuer", json::Value::string(s->chainTrusted ? s->issuer : std::string()));
    out.set("notBefore", json::Value::string(verify::formatRfc3339(s->notBefore)));
    out.set("notAfter", json::Value::string(verify::formatRfc3339(s->notAfter)));
    return out;
}

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
    json::Value out = json::Value::object();
    out.set("verdict", json::Value::string(std::string(verify::trustName(v.trust))));
    json::Value reasons = json::Value::array();
    json::Value explanations = json::Value::array();
    for (const ReadingReason r : v.reasons) {
        reasons.push(json::Value::string(std::string(readingReasonName(r))));
        json::Value e = json::Value::object();
        e.set("code", json::Value::string(std::string(readingReasonName(r))));
        e.set("explanation", json::Value::string(std::string(readingReasonExplanation(r))));
        explanations.push(std::move(e));
    }
    out.set("reasons", std::move(reasons));
    out.set("explanations", std::move(explanations));
    out.set("signer", signerJson(v.signer));
    json::Value checks = json::Value::array();
    for (const auto& c : v.checks) {
        json::Value check = json::Value::object();
        check.set("name", json::Value::string(std::string(readingCheckName(c.id))));
        check.set("ok", json::Value::boolean(c.ok()));
        check.set("detail", json::Value::string(c.detail));
        checks.push(std::move(check));
    }
    out.set("checks", std::move(checks));
    out.set("verifiedAt", json::Value::string(verify::formatRfc3339(v.at)));
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
