#include "sr_verification.h"

#include "signature_profile.h"
#include "signer_name.h"

#include <veridicor/dicom/content_digest.h>
#include <veridicor/dicom/load.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcvrat.h>
#include <dcmtk/dcmsign/dcsignat.h>
#include <dcmtk/dcmsign/sicert.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>

namespace veridicor::reading::detail {

namespace json = verify::json;

namespace {

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

} // namespace

ReadingCheck& at(SignedSrVerdict& v, ReadingCheckId id) { return v.checks[static_cast<std::size_t>(id)]; }

void pass(SignedSrVerdict& v, ReadingCheckId id, std::string detail) {
    ReadingCheck& c = at(v, id);
    c.status = verify::CheckStatus::Passed;
    c.detail = std::move(detail);
}

void failCheck(SignedSrVerdict& v, ReadingCheckId id, ReadingReason reason, const std::string& detail) {
    ReadingCheck& c = at(v, id);
    c.status = verify::CheckStatus::Failed;
    if (std::find(c.reasons.begin(), c.reasons.end(), reason) == c.reasons.end()) {
        c.reasons.push_back(reason);
    }
    c.detail = c.detail.empty() ? detail : c.detail + "; " + detail;
}

void notChecked(SignedSrVerdict& v, ReadingCheckId id, std::string detail) {
    ReadingCheck& c = at(v, id);
    c.status = verify::CheckStatus::NotChecked;
    c.detail = std::move(detail);
}

void checkSignatures(DcmDataset& ds, SignedSrVerdict& v, std::vector<verify::Certificate>& signers) {
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
}

void checkChainAndSigner(const std::vector<verify::Certificate>& signers, const verify::TrustStore& store,
                         verify::TimePoint when, SignedSrVerdict& v) {
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


Expected<dicom::LoadedFile, Error> loadSignedSr(const std::filesystem::path& path) {
    dicom::LoadOptions options;
    options.maxFileBytes = kMaxSrFileBytes;
    auto file = dicom::loadFile(path, options);
    if (!file) {
        return Unexpected{Error{file.error().code == dicom::ErrorCode::TooLarge ? ErrorCode::TooLarge
                                                                                : ErrorCode::Unreadable,
                                path.string() + ": " + file.error().message}};
    }
    return std::move(*file);
}

void startVerdict(SignedSrVerdict& v, verify::TimePoint when) {
    v.at = when;
    for (std::size_t i = 0; i < kAllReadingChecks.size(); ++i) {
        v.checks[i].id = kAllReadingChecks[i];
    }
}

void checkCleanEncoding(const dicom::LoadedFile& file, SignedSrVerdict& v) {
    if (!file.warnings.empty()) {
        failCheck(v, ReadingCheckId::Structure, ReadingReason::Malformed,
                  "The file's encoding is damaged and was repaired while reading it (" +
                      file.warnings.front().substr(0, 200) + ")");
    }
}

void checkFinalAndSigner(bool complete, bool verified, const std::string& verifyingObserverName,
                         const std::vector<verify::Certificate>& signers, SignedSrVerdict& v) {
    if (signers.empty()) {
        return;
    }
    if (!complete || !verified) {
        failCheck(v, ReadingCheckId::Structure, ReadingReason::Malformed,
                  "The SR is signed but not marked final (Completion Flag COMPLETE, Verification Flag VERIFIED)");
    }
    // The report names its signer: the Verifying Observer must be the person whose key signed it, so that the
    // name shown beside a trusted report is the certificate's, not a claim inside the SR.
    if (verifyingObserverName != signerName(signers.front())) {
        failCheck(v, ReadingCheckId::Structure, ReadingReason::Malformed,
                  "The SR's Verifying Observer is not the person whose certificate signed it");
    }
}

void checkPatientBinding(const std::string& studyUid, const std::string& patientId, const std::string& issuer,
                         const dicom::ContentIdentity& d, SignedSrVerdict& v, std::string_view what) {
    v.bound = true;
    if (studyUid != d.studyInstanceUID) {
        failCheck(v, ReadingCheckId::Binding, ReadingReason::PatientMismatch,
                  "The " + std::string(what) + " belongs to another study than the recording on screen");
    }
    const std::string* pid = displayedAttribute(d, "0010,0020");
    const std::string* iss = displayedAttribute(d, "0010,0021");
    if (pid == nullptr || iss == nullptr || *pid != attributeDigest(0x0010, 0x0020, patientId) ||
        *iss != attributeDigest(0x0010, 0x0021, issuer)) {
        failCheck(v, ReadingCheckId::Binding, ReadingReason::PatientMismatch,
                  "The " + std::string(what) + "'s Patient ID (or its issuer) is not that of the recording on screen");
    }
}

void checkEvidenceBinding(const std::string& sopInstanceUID, const std::string& digestMethod,
                          const std::string& digest, const dicom::ContentIdentity& d, SignedSrVerdict& v,
                          std::string_view what) {
    v.bound = true;
    const dicom::ContentMethod method = dicom::contentMethod(d.kind, 2);
    if (sopInstanceUID != d.sopInstanceUID) {
        failCheck(v, ReadingCheckId::Binding, ReadingReason::DataMismatch,
                  "The " + std::string(what) + "'s evidence is another recording (SOP Instance UID) than the one on "
                                               "screen");
    } else if (digestMethod != dicom::contentMethodName(method) || digest != d.digest(method)) {
        failCheck(v, ReadingCheckId::Binding, ReadingReason::DataMismatch,
                  "The " + std::string(what) + "'s evidence digest is not the content on screen: the recording was "
                                               "read as other data than is displayed now");
    }
    if (at(v, ReadingCheckId::Binding).status != verify::CheckStatus::Failed) {
        pass(v, ReadingCheckId::Binding, "The " + std::string(what) +
                                             " is this patient's, and its evidence is the recording on screen (" +
                                             std::string(dicom::contentMethodName(method)) + ")");
    }
}

void finishVerdict(SignedSrVerdict& v, bool displayedGiven) {
    std::set<ReadingReason> reasons;
    for (const auto& c : v.checks) {
        reasons.insert(c.reasons.begin(), c.reasons.end());
    }
    v.reasons.assign(reasons.begin(), reasons.end());
    const bool passed = std::all_of(v.checks.begin(), v.checks.end(), [&](const ReadingCheck& c) {
        return c.ok() || (c.id == ReadingCheckId::Binding && !displayedGiven);
    });
    v.trust = v.reasons.empty() && passed ? verify::Trust::Trusted : verify::Trust::Untrusted;
}

bool samePerson(const verify::Certificate& a, const verify::CertificateInfo& b) {
    const verify::CertificateInfo ia = a.info();
    if (!ia.sha256Fingerprint.empty() && ia.sha256Fingerprint == b.sha256Fingerprint) {
        return true;
    }
    return std::any_of(ia.identities.begin(), ia.identities.end(), [&](const std::string& id) {
        return id.find('@') != std::string::npos &&
               std::find(b.identities.begin(), b.identities.end(), id) != b.identities.end();
    });
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


} // namespace

json::Value verdictJson(const SignedSrVerdict& v) {
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
    return out;
}

} // namespace veridicor::reading::detail
