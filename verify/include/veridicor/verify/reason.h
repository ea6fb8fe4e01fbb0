#pragma once
/// \file
/// The reason codes of the finding bundle specification (finding-bundle-v1 §Verification), their names
/// exactly as the specification spells them, and explanations for clinicians.

#include <array>
#include <optional>
#include <string_view>

namespace veridicor::verify {

/// Why a bundle is untrusted. Declared in alphabetical order of their names, which is the order verdicts list
/// them in.
enum class Reason {
    AttachmentMismatch,     ///< ATTACHMENT_MISMATCH
    BadSignature,           ///< BAD_SIGNATURE
    CertExpired,            ///< CERT_EXPIRED
    CertRevoked,            ///< CERT_REVOKED
    DataMismatch,           ///< DATA_MISMATCH
    Malformed,              ///< MALFORMED
    ModalityNotApproved,    ///< MODALITY_NOT_APPROVED
    ModelDigestMismatch,    ///< MODEL_DIGEST_MISMATCH
    ModelNotApproved,       ///< MODEL_NOT_APPROVED
    ModelProvenanceInvalid, ///< MODEL_PROVENANCE_INVALID
    SignerNotAuthorized,    ///< SIGNER_NOT_AUTHORIZED
    TimeInvalid,            ///< TIME_INVALID
    Unsigned,               ///< UNSIGNED
    UntrustedChain,         ///< UNTRUSTED_CHAIN
    WeakAlgorithm,          ///< WEAK_ALGORITHM
};

/// Every reason, in order.
inline constexpr std::array kAllReasons{
    Reason::AttachmentMismatch,
    Reason::BadSignature,
    Reason::CertExpired,
    Reason::CertRevoked,
    Reason::DataMismatch,
    Reason::Malformed,
    Reason::ModalityNotApproved,
    Reason::ModelDigestMismatch,
    Reason::ModelNotApproved,
    Reason::ModelProvenanceInvalid,
    Reason::SignerNotAuthorized,
    Reason::TimeInvalid,
    Reason::Unsigned,
    Reason::UntrustedChain,
    Reason::WeakAlgorithm,
};

/// The code as the specification and the verdict JSON spell it ("BAD_SIGNATURE").
std::string_view reasonName(Reason reason);

/// The reason named `name` exactly, or nullopt.
std::optional<Reason> reasonFromName(std::string_view name);

/// One sentence for a clinician saying what the reason means for the finding, e.g. for BAD_SIGNATURE "The
/// signature does not match the content: it was changed after signing."
std::string_view reasonExplanation(Reason reason);

} // namespace veridicor::verify
