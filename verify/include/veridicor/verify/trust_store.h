#pragma once
/// \file
/// The trust store folder (finding-bundle-v1 §Trust store):
///   anchors/*.pem   trusted root CA certificates      crls/*.pem     certificate revocation lists
///   models/*.sig    OMS v1.0 bundles of approved models policy.json   approvals and who may sign

#include <veridicor/base/expected.h>
#include <veridicor/verify/error.h>
#include <veridicor/verify/keys.h>
#include <veridicor/verify/reason.h>
#include <veridicor/verify/time.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace veridicor::verify {

enum class RevocationMode {
    IfAvailable, ///< "if-available": every CRL present for an issuer is checked
    Require,     ///< "require": an issuer without a CRL fails the chain
};

/// One entry of policy.json "models".
struct ModelApproval {
    std::string name;
    std::string version;
    std::string digest; ///< OMS root digest, lowercase hex
    std::vector<std::string> modalities;
    std::vector<std::string> modelSigners;
    std::vector<std::string> findingSigners;
};

struct Policy {
    int policyVersion = 1;
    RevocationMode revocation = RevocationMode::IfAvailable;
    std::vector<ModelApproval> models;
};

/// Parses policy.json strictly (unknown keys are refused so a misspelt key cannot silently relax the policy).
/// Errors: Invalid, naming the field.
Expected<Policy, Error> parsePolicy(std::string_view text);

/// The result of building and checking a certificate chain (step 2 of the specification).
struct ChainResult {
    std::vector<Reason> reasons; ///< from UNTRUSTED_CHAIN, CERT_EXPIRED, CERT_REVOKED, WEAK_ALGORITHM; sorted
    std::string detail;          ///< plain-language summary of what was checked or what failed
    std::vector<Certificate> chain; ///< leaf first, up to the anchor when one was reached; else as supplied
    bool reachedAnchor = false;
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
    /// anchor and checks it at time `at`: validity periods, CRLs per the policy's revocation mode, key
    /// strength (ECDSA P-256/384/521, Ed25519, RSA ≥ 2048) and signature algorithms below the anchor (no
    /// SHA-1/MD5), and that the leaf may make digital signatures.
    [[nodiscard]] ChainResult verifyChain(const Certificate& leaf,
                                          const std::vector<Certificate>& intermediates, TimePoint at) const;

    struct Impl;

private:
    std::shared_ptr<const Impl> m_impl;
};

} // namespace veridicor::verify
