#include <veridicor/verify/error.h>
#include <veridicor/verify/reason.h>

namespace veridicor::verify {

const char* errorCodeName(ErrorCode code) {
    switch (code) {
    case ErrorCode::Unreadable:
        return "unreadable";
    case ErrorCode::TooLarge:
        return "too large";
    case ErrorCode::Invalid:
        return "invalid";
    case ErrorCode::Unsupported:
        return "unsupported";
    case ErrorCode::Crypto:
        return "cryptographic operation failed";
    case ErrorCode::Io:
        return "write failed";
    }
    return "?";
}

std::string_view reasonName(Reason reason) {
    // There is deliberately no default: a new reason must be named here (the compiler warns).
    switch (reason) {
    case Reason::AttachmentMismatch:
        return "ATTACHMENT_MISMATCH";
    case Reason::BadSignature:
        return "BAD_SIGNATURE";
    case Reason::CertExpired:
        return "CERT_EXPIRED";
    case Reason::CertRevoked:
        return "CERT_REVOKED";
    case Reason::DataMismatch:
        return "DATA_MISMATCH";
    case Reason::Malformed:
        return "MALFORMED";
    case Reason::ModalityNotApproved:
        return "MODALITY_NOT_APPROVED";
    case Reason::ModelDigestMismatch:
        return "MODEL_DIGEST_MISMATCH";
    case Reason::ModelNotApproved:
        return "MODEL_NOT_APPROVED";
    case Reason::ModelProvenanceInvalid:
        return "MODEL_PROVENANCE_INVALID";
    case Reason::SignerNotAuthorized:
        return "SIGNER_NOT_AUTHORIZED";
    case Reason::TimeInvalid:
        return "TIME_INVALID";
    case Reason::Unsigned:
        return "UNSIGNED";
    case Reason::UntrustedChain:
        return "UNTRUSTED_CHAIN";
    case Reason::WeakAlgorithm:
        return "WEAK_ALGORITHM";
    }
    return "MALFORMED";
}

std::optional<Reason> reasonFromName(std::string_view name) {
    for (const Reason r : kAllReasons) {
        if (reasonName(r) == name) {
            return r;
        }
    }
    return std::nullopt;
}

std::string_view reasonExplanation(Reason reason) {
    switch (reason) {
    case Reason::AttachmentMismatch:
        return "An explanation overlay of this finding is missing or was changed after signing.";
    case Reason::BadSignature:
        return "The signature does not match the content: it was changed after signing.";
    case Reason::CertExpired:
        return "The signer's certificate was not valid at the time of checking (it has expired or is not yet "
               "valid).";
    case Reason::CertRevoked:
        return "The signer's certificate has been revoked, or its revocation status is unknown (a revocation "
               "list is out of date, unusable, or missing where this site's policy requires one).";
    case Reason::DataMismatch:
        return "This finding was made for a different recording, or the recording was changed since.";
    case Reason::Malformed:
        return "The finding file is damaged or not in the expected format: its content cannot be read.";
    case Reason::ModalityNotApproved:
        return "The model that made this finding is not approved for this kind of examination.";
    case Reason::ModelDigestMismatch:
        return "This finding was made by a different build of the model than the one approved at this site.";
    case Reason::ModelNotApproved:
        return "The model that made this finding is not approved at this site.";
    case Reason::ModelProvenanceInvalid:
        return "The origin of the model could not be confirmed: there is no valid signature on it from an "
               "authorized model maker.";
    case Reason::SignerNotAuthorized:
        return "The finding was signed by a party that is not authorized to sign this model's findings.";
    case Reason::TimeInvalid:
        return "The time at which the finding says it was made is impossible (in the future, or outside the "
               "signer's certificate validity).";
    case Reason::Unsigned:
        return "The finding is not signed, so where it comes from cannot be checked.";
    case Reason::UntrustedChain:
        return "The signer is not known to this site: the signing certificate does not lead to a trusted "
               "authority.";
    case Reason::WeakAlgorithm:
        return "The signature uses a key or an algorithm too weak to be relied on.";
    }
    return "";
}

} // namespace veridicor::verify
