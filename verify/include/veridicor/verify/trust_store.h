#pragma once
/// \file
/// The trust store folder (finding-bundle-v1 §Trust store, with Revision 2):
///   anchors/*.pem   trusted root CA certificates      crls/*.pem     certificate revocation lists
///   models/*.sig    OMS v1.0 bundles of approved models policy.json   approvals and who may sign
///   tsa/*.pem       trusted timestamp authorities' roots (R2.6; optional)
///   cas/*.pem       CA certificates the site knows beside the anchors (optional): used only to check CRLs
///                   signed by a CA's new key after it changed keys (R2.4), never to build a signer's chain

#include <veridicor/base/expected.h>
#include <veridicor/verify/error.h>
#include <veridicor/verify/input_digest.h>
#include <veridicor/verify/keys.h>
#include <veridicor/verify/reason.h>
#include <veridicor/verify/time.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace veridicor::verify {

enum class RevocationMode {
    IfAvailable, ///< "if-available": every CRL present for an issuer is checked
    Require,     ///< "require": an issuer without a CRL fails the chain
};

/// Who may sign (R2.3). Policy version 1: an untyped name, which matches a DNS Subject Alternative Name or,
/// for a certificate without any SAN, its subject CN. Version 2: a typed identity ("dns:…", "uri:…",
/// "email:…", "cn:…") pinned to a CA that must be on the signer's built path.
struct SignerRule {
    std::string identity;
    std::string caSpkiSha256; ///< version 2: SHA-256 of the CA's DER SubjectPublicKeyInfo, lowercase hex
    /// For people: "omi-inference.vendor-a.example" or "dns:omi-inference.vendor-a.example under CA
    /// sha256:1a2b…".
    [[nodiscard]] std::string describe() const;
};

/// One entry of policy.json "models".
struct ModelApproval {
    std::string name;
    std::string version;
    std::string digest; ///< OMS root digest, lowercase hex
    std::vector<std::string> modalities;
    std::vector<SignerRule> modelSigners;
    std::vector<SignerRule> findingSigners;
    /// "inputDigestMethods" (R2.1): the methods a finding of this model may be bound by; empty: the policy
    /// version's default (version 1: every method; version 2: the v2 DICOM methods, wfdb-record-v1 and
    /// file-v1 — never the header-blind v1 DICOM methods).
    std::vector<DigestMethod> inputDigestMethods;
};

struct Policy {
    int policyVersion = 1;
    RevocationMode revocation = RevocationMode::IfAvailable;
    std::vector<ModelApproval> models;
    /// Policy version 2 only: who may sign clinicians' readings (reading/, issue 11), typed and pinned to a
    /// CA as findingSigners are (R2.3). A policy may approve readers and no model at all ("models" may then
    /// be left out).
    std::vector<SignerRule> readingSigners;

    /// The digest methods a finding of `model` may be bound by (its list, else the version's default).
    [[nodiscard]] std::vector<DigestMethod> acceptedMethods(const ModelApproval* model) const;
};

/// The SHA-256 of a certificate's DER SubjectPublicKeyInfo, lowercase hex: what a version 2 policy's "ca"
/// names (after "sha256:").
std::string spkiSha256(const Certificate& cert);

/// The identities a certificate claims, typed (R2.3): "dns:", "uri:", "email:" for each Subject Alternative
/// Name of those types, in order, and "cn:" for the subject CN only when the certificate has no Subject
/// Alternative Name at all. DNS names are lowercased. Name constraints are not applied here (see
/// ChainResult::identities).
std::vector<std::string> typedIdentities(const Certificate& cert);

/// The rule a signer meets, and which of its identities met it.
struct Authorization {
    std::size_t rule = 0;
    std::string identity; ///< typed ("dns:omi-inference.vendor-a.example")
};

/// The first rule in `rules` that a signer with these (counting, typed) identities and these CAs on its
/// built path meets, or nullopt. `policyVersion` 1 rules are untyped (see SignerRule).
std::optional<Authorization> authorizeSigner(const std::vector<SignerRule>& rules, int policyVersion,
                                             const std::vector<std::string>& identities,
                                             const std::vector<std::string>& pathCaSpki);

/// Parses policy.json strictly (unknown keys are refused so a misspelt key cannot silently relax the policy).
/// Errors: Invalid, naming the field.
Expected<Policy, Error> parsePolicy(std::string_view text);

/// At most this many certificates are accepted in a bundle's chain (R2.3), decided before any is decoded.
inline constexpr std::size_t kMaxChainCertificates = 10;

/// When a chain is judged (R2.6): certificates must be valid at `validityAt` (the verification time, or the
/// genTime of a verified timestamp), revocation is checked at `revocationAt` (always the verification time).
/// With `signedAt` (a verified timestamp's genTime), a certificate revoked after it for a reason other than a
/// key compromise still vouches for what was signed before.
struct ChainTimes {
    TimePoint validityAt{};
    TimePoint revocationAt{};
    std::optional<TimePoint> signedAt;
    static ChainTimes at(TimePoint t) { return ChainTimes{t, t, std::nullopt}; }
};

/// The result of building and checking a certificate chain (step 2 of the specification).
struct ChainResult {
    std::vector<Reason> reasons; ///< from UNTRUSTED_CHAIN, CERT_EXPIRED, CERT_REVOKED, WEAK_ALGORITHM; sorted
    std::string detail;          ///< plain-language summary of what was checked or what failed
    std::vector<Certificate> chain; ///< leaf first, up to the anchor when one was reached; else as supplied
    bool reachedAnchor = false;
    /// The leaf's identities that count (R2.3): typedIdentities() less those of a type that a name
    /// constraint on the path does not cover, when any certificate of the path carries name constraints.
    /// Empty unless the chain was built to an anchor.
    std::vector<std::string> identities;
    /// SHA-256 of the SubjectPublicKeyInfo of every CA on the built path (intermediates and the anchor).
    std::vector<std::string> pathCaSpki;
    bool nameConstrained = false; ///< some certificate of the path carries name constraints
    [[nodiscard]] bool ok() const { return reasons.empty(); }
};

/// A loaded trust store. Cheap to copy (shared, immutable); safe to use from several threads at once.
class TrustStore {
public:
    /// Loads the folder. Errors: Unreadable (no such folder, no policy.json), Invalid (a damaged anchor or
    /// CRL, an anchor that is not a self-signed CA certificate, an invalid policy.json, no anchors at all),
    /// TooLarge (a file over its size limit).
    static Expected<TrustStore, Error> load(const std::filesystem::path& dir);

    [[nodiscard]] const std::filesystem::path& directory() const;
    [[nodiscard]] const Policy& policy() const;
    [[nodiscard]] const std::vector<Certificate>& anchors() const;
    [[nodiscard]] std::size_t crlCount() const;
    /// The period in which every CRL of the store is current (latest thisUpdate, earliest nextUpdate); the
    /// whole of time when there is no CRL.
    [[nodiscard]] std::pair<TimePoint, TimePoint> crlsCurrent() const;

    /// A models/*.sig file, read but not yet verified (it is verified at each use, at that verification
    /// time).
    struct ModelBundleFile {
        std::filesystem::path path;
        std::string bytes;
    };
    [[nodiscard]] const std::vector<ModelBundleFile>& modelBundles() const;

    /// The policy entry approving (name, version), or nullptr.
    [[nodiscard]] const ModelApproval* findModel(std::string_view name, std::string_view version) const;

    /// Builds the chain from `leaf` through `intermediates` (in order: each issued the one before it) to an
    /// anchor and checks it at time `at`: validity periods (notAfter inclusive), name constraints, CRLs per
    /// the policy's revocation mode (R2.4: a CRL of a path CA's name that verifies with neither its key nor
    /// another key certified for that name makes the status unknown), key strength (ECDSA P-256/384/521,
    /// Ed25519, RSA ≥ 2048) and signature algorithms below the anchor (no SHA-1/MD5), and that the leaf is
    /// an end-entity certificate that may sign code (digitalSignature; codeSigning when it has an extended
    /// key usage, and an extended key usage required under policy version 2).
    [[nodiscard]] ChainResult verifyChain(const Certificate& leaf,
                                          const std::vector<Certificate>& intermediates, TimePoint at) const;
    /// As above, with the validity and revocation times of a timestamped signature (R2.6).
    [[nodiscard]] ChainResult verifyChain(const Certificate& leaf,
                                          const std::vector<Certificate>& intermediates,
                                          const ChainTimes& times) const;

    /// tsa/*.pem: the roots timestamps must chain to (empty: timestamps cannot verify).
    [[nodiscard]] const std::vector<Certificate>& tsaAnchors() const;
    /// cas/*.pem.
    [[nodiscard]] const std::vector<Certificate>& knownCas() const;

    struct Impl;

private:
    std::shared_ptr<const Impl> m_impl;
};

} // namespace veridicor::verify
