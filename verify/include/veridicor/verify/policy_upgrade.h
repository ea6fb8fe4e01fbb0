#pragma once
/// \file
/// Migrating a trust store's policy.json from version 1 to version 2 (finding-bundle-v1 R2.3): each untyped
/// signer name becomes a typed identity pinned to the CA that issues it today, as certificates that verify
/// under the store show. The result is for an administrator to review, never installed by itself.

#include <veridicor/base/expected.h>
#include <veridicor/verify/error.h>
#include <veridicor/verify/time.h>
#include <veridicor/verify/trust_store.h>

#include <filesystem>
#include <string>
#include <vector>

namespace veridicor::verify {

/// One thing the administrator should read before installing the upgraded policy.
struct PolicyUpgradeNote {
    enum class Severity {
        Info,    ///< what was done and from what evidence
        Review,  ///< a guess or a change of behaviour the administrator must confirm
        Warning, ///< the evidence disagrees, or something will stop verifying: a decision is needed
    };
    Severity severity = Severity::Info;
    std::string text;
};

/// "info", "review", "WARNING".
const char* severityName(PolicyUpgradeNote::Severity severity);

struct PolicyUpgrade {
    std::string policyJson; ///< the version 2 policy.json, indented for review, ending in a newline
    Policy policy;          ///< policyJson as parsePolicy() reads it
    std::vector<PolicyUpgradeNote> notes;
    /// True when some note is a Warning.
    [[nodiscard]] bool needsDecision() const;
};

/// Upgrades the version 1 policy of `store` to version 2. Every signer name of every model (modelSigners,
/// findingSigners) is matched against the certificates of the evidence that authenticates under `store` at
/// `at`: the store's models/*.sig, and each path of `evidence` — a finding bundle (*.finding.json), an OMS
/// model signature (*.sig), a folder (searched, with its subfolders, for *.finding.json), or any other file
/// read as a PEM certificate chain, leaf first. Evidence that does not authenticate is ignored, and a note
/// says why.
///
/// A name carried by a certificate as a DNS Subject Alternative Name becomes "dns:NAME", as the CN of a
/// certificate without any SAN "cn:NAME" (version 1 matched nothing else), pinned to the SubjectPublicKeyInfo
/// of the certificate's issuer on its built path (the intermediate, or the root for a certificate issued
/// directly by it). A name that several CAs issue gets one rule per CA, with a Warning. A name no evidence
/// shows is pinned to the store's root when it has exactly one (typed by its form: a host name → "dns:",
/// else "cn:"), with a note to narrow it. Everything else of the policy is kept: models, versions, digests,
/// modalities, inputDigestMethods, revocation.
///
/// Errors: Invalid (the policy is already version 2; a name no evidence shows while the store has several
/// roots — the message names each and what evidence would pin it), Unreadable (an evidence path that does
/// not exist or cannot be listed).
Expected<PolicyUpgrade, Error>
upgradePolicy(const TrustStore& store, const std::vector<std::filesystem::path>& evidence, TimePoint at);

} // namespace veridicor::verify
