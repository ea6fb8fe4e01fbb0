#pragma once
/// \file
/// The outcome of verifying a finding bundle: never a bool. Each of the seven steps of the specification is a
/// Check with its own status and plain-language detail; the reasons are the specification's codes.

#include <veridicor/verify/finding.h>
#include <veridicor/verify/input_digest.h>
#include <veridicor/verify/keys.h>
#include <veridicor/verify/reason.h>
#include <veridicor/verify/time.h>
#include <veridicor/verify/trust_store.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace veridicor::verify {

enum class Trust {
    Trusted,   ///< every check passed: the finding may be shown as trusted
    Untrusted, ///< at least one reason: quarantine
};

/// The seven steps, in the order they run.
enum class CheckId { Envelope, Chain, Signature, Model, Provenance, Binding, Attachments };

inline constexpr std::array kAllChecks{CheckId::Envelope,   CheckId::Chain,      CheckId::Signature,
                                       CheckId::Model,      CheckId::Provenance, CheckId::Binding,
                                       CheckId::Attachments};

/// "envelope", "chain", "signature", "model", "provenance", "binding", "attachments" (the verdict JSON
/// names).
std::string_view checkName(CheckId id);

enum class CheckStatus {
    Passed,
    Failed,
    NotChecked, ///< could not run (an earlier step failed, e.g. the payload is not authenticated)
};

struct Check {
    CheckId id = CheckId::Envelope;
    CheckStatus status = CheckStatus::NotChecked;
    std::string detail;          ///< what was checked and what was found, in plain language
    std::vector<Reason> reasons; ///< the reasons this step found (empty unless Failed)
    [[nodiscard]] bool ok() const { return status == CheckStatus::Passed; }
};

/// Who signed: the leaf certificate's identities, and the whole chain for display (leaf first, up to the
/// anchor when one was reached). Present whenever the bundle carried a readable certificate, trusted or not.
struct SignerInfo {
    /// The names the signer goes by, untyped: those of `typedIdentities` once the chain was built to an
    /// anchor, else (for display of an untrusted chain only) every CN and SAN the certificate claims.
    std::vector<std::string> identities;
    /// The identities that count (R2.3): "dns:", "uri:", "email:" SANs, "cn:" only without any SAN, less
    /// those of a type the path's name constraints do not cover. Empty unless built to an anchor.
    std::vector<std::string> typedIdentities;
    std::vector<std::string> pathCaSpki; ///< SHA-256 of each CA's SubjectPublicKeyInfo on the built path
    /// The identity the trust policy authorized (step 4 for a finding signer, step 5 for a model signer),
    /// typed; empty when none was.
    std::string authorizedAs;
    std::string issuer; ///< the leaf's issuer, RFC 2253
    TimePoint notBefore{};
    TimePoint notAfter{};
    std::vector<CertificateInfo> chain;
    bool chainTrusted = false; ///< step 2 passed
};

/// The provenance of the approved model (step 5): which OMS bundle vouches for it and who signed it.
struct ModelProvenance {
    bool valid = false;
    std::string digest;               ///< the approved digest looked for
    std::filesystem::path bundleFile; ///< the models/*.sig that vouches for it (when valid)
    std::optional<SignerInfo> modelSigner;
    std::string modelName; ///< the OMS subject name
    std::string detail;
};

/// An attachment whose bytes matched the signed digest (kept in memory: what is displayed comes from these
/// bytes, never from a second read of the file).
struct VerifiedAttachment {
    AttachmentRef ref;
    std::string bytes;
};

struct Verdict {
    Trust trust = Trust::Untrusted;
    std::vector<Reason> reasons; ///< sorted by name, unique; empty exactly when trusted
    std::array<Check, 7> checks{};
    std::optional<SignerInfo> signer;
    /// Steps 2 and 3 passed: the payload below is authentic. When false, `payload`, `statement`, `approval`,
    /// `provenance` and `attachments` are empty: an unauthenticated payload is never interpreted or shown.
    bool authenticated = false;
    std::string payload; ///< the verified payload bytes
    std::optional<FindingStatement> statement;
    std::optional<ModelApproval> approval; ///< the policy entry of the finding's model, when approved
    std::optional<ModelProvenance> provenance;
    std::vector<VerifiedAttachment> attachments;
    std::string bundleSha256; ///< of the bundle bytes as given
    TimePoint at{};           ///< the verification time
    /// The genTime of the bundle's verified RFC 3161 timestamp (R2.6): the chain was judged at this time.
    std::optional<TimePoint> signedAt;
    InputData input; ///< the data the finding was checked against
    /// The digest method the finding is bound by (authenticated statements only).
    std::optional<DigestMethod> boundMethod;
    /// Whether that method covers the header that gives the data its meaning (false for dicom-waveform-v1
    /// and dicom-pixeldata-v1, which a version 1 policy still accepts). Empty when not authenticated.
    std::optional<bool> headerCovered;
    /// Things a reader must know even of a trusted finding (e.g. "its header is not covered"), plain words.
    std::vector<std::string> warnings;

    [[nodiscard]] bool trusted() const { return trust == Trust::Trusted; }
    [[nodiscard]] const Check& check(CheckId id) const { return checks[static_cast<std::size_t>(id)]; }
    [[nodiscard]] bool has(Reason r) const;
};

/// The verdict JSON of the specification: verdict, reasons, signer, model, checks (name, ok, detail),
/// findings (the signed findings, exactly as signed, only when authenticated; else empty). `indent` < 0 →
/// compact.
std::string verdictToJson(const Verdict& verdict, int indent = 2);

/// "Trusted" / "Untrusted" for people; "trusted" / "untrusted" in JSON.
std::string_view trustName(Trust trust);

} // namespace veridicor::verify
