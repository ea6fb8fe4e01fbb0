#pragma once
/// \file
/// OpenSSF Model Signing (OMS) v1.0, compatible with the reference implementation
/// sigstore/model-transparency: a Sigstore bundle v0.3 whose DSSE payload is an in-toto Statement v1 with
/// predicateType `https://model_signing/signature/v1.0`. The predicate lists every file (method "files") or
/// every shard of every file (method "shards", name "path:start:end") with its SHA-256; the subject's digest
/// (the model's "root digest") is the SHA-256 of the concatenated resource digests in the listed order; the
/// signed `ignore_paths` name files and folders left out. Key method (publicKey hint = SHA-256 of the PEM
/// public key) and certificate method (x509CertificateChain) are both verified; signing uses the certificate
/// method.

#include <veridicor/base/expected.h>
#include <veridicor/verify/error.h>
#include <veridicor/verify/keys.h>
#include <veridicor/verify/reason.h>
#include <veridicor/verify/signer.h>
#include <veridicor/verify/time.h>
#include <veridicor/verify/verdict.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace veridicor::verify {

class TrustStore;

inline constexpr std::string_view kOmsPredicateType = "https://model_signing/signature/v1.0";

enum class OmsMethod { Files, Shards };

struct OmsResource {
    std::string name;      ///< "dir/file" (files) or "dir/file:start:end" (shards)
    std::string algorithm; ///< "sha256" or "sha256-sharded-<shard size>"
    std::string digest;    ///< lowercase hex
};

/// The signed content of an OMS v1.0 bundle.
struct OmsManifest {
    std::string modelName;
    std::string rootDigest;
    OmsMethod method = OmsMethod::Files;
    std::string hashType = "sha256";
    std::uint64_t shardSize = 0; ///< shards only
    bool allowSymlinks = false;
    std::vector<std::string> ignorePaths;
    std::vector<OmsResource> resources;
};

/// Parses an (authenticated) OMS v1.0 statement and checks the root digest against the resources.
Expected<OmsManifest, std::string> parseOmsStatement(std::string_view payload);

/// Steps 1–3 for an OMS bundle, and its statement when those pass.
struct OmsAuthentication {
    std::vector<Reason> reasons;      ///< sorted, unique; empty when authentic
    std::vector<Check> checks;        ///< envelope, chain (certificate method), signature
    std::optional<SignerInfo> signer; ///< certificate method
    bool keyMethod = false;
    std::optional<OmsManifest> manifest; ///< only when authentic and well formed
    std::optional<TimePoint> signedAt;   ///< a verified RFC 3161 timestamp's genTime (R2.6)
    /// With `signedAt`: the verification times over which the timestamp's verdict cannot change (its TSA
    /// chain's common validity period).
    TimePoint timestampStableFrom = TimePoint::min();
    TimePoint timestampStableTo = TimePoint::max();
    [[nodiscard]] bool authentic() const { return reasons.empty() && manifest.has_value(); }
};

/// Authenticates an OMS bundle. With `key`, the key method: the signature must verify with that key (and the
/// bundle's key hint, when present, must be the key's). Without, the certificate method: the chain is checked
/// against `store` at time `at` (validity, CRLs, key strength) exactly as for findings.
OmsAuthentication authenticateModelSignature(std::string_view bundleBytes, const TrustStore& store,
                                             const PublicKey* key, TimePoint at);

/// How a model folder compares with a signed manifest.
struct ModelFileComparison {
    std::vector<std::string> changed; ///< present in both, different content (or different shard layout)
    std::vector<std::string> missing; ///< signed, not present
    std::vector<std::string> extra;   ///< present, not signed and not ignored
    std::string error; ///< the folder could not be read (symlink not allowed, unreadable file, …)
    [[nodiscard]] bool ok() const {
        return error.empty() && changed.empty() && missing.empty() && extra.empty();
    }
};

/// Hashes `modelDir` by `manifest`'s serialization (method, shard size, symlinks, signed ignore_paths, plus
/// `alsoIgnore` — e.g. the signature file when it lies inside the folder) and compares file by file.
ModelFileComparison compareModelDirectory(const OmsManifest& manifest, const std::filesystem::path& modelDir,
                                          const std::vector<std::filesystem::path>& alsoIgnore = {});

/// One check of a model verification: "envelope", "chain" (or "key"), "signature", "files".
struct ModelCheck {
    std::string name;
    CheckStatus status = CheckStatus::NotChecked;
    std::string detail;
    [[nodiscard]] bool ok() const { return status == CheckStatus::Passed; }
};

/// The result of `veridicor-cli verify-model`.
struct ModelVerification {
    Trust trust = Trust::Untrusted;
    std::vector<Reason> reasons; ///< MALFORMED, UNSIGNED, chain reasons, BAD_SIGNATURE, DATA_MISMATCH (files)
    std::vector<ModelCheck> checks; ///< envelope, chain or key, signature, files
    std::optional<SignerInfo> signer;
    bool keyMethod = false;
    std::optional<OmsManifest> manifest;
    ModelFileComparison files;
};

/// The full OMS check: authenticate the bundle, then compare the model folder with the signed manifest.
/// `signaturePath` is left out of the comparison when it lies inside `modelDir`.
ModelVerification verifyModel(std::string_view bundleBytes, const std::filesystem::path& modelDir,
                              const TrustStore& store, const PublicKey* key, TimePoint at,
                              const std::filesystem::path& signaturePath = {});

/// The verify-model result as JSON (same shape as the finding verdict: verdict, reasons, signer, model,
/// checks, plus "files": {changed, missing, extra}).
std::string modelVerificationToJson(const ModelVerification& result);

struct ModelSignOptions {
    OmsMethod method = OmsMethod::Files;
    std::uint64_t shardSize = 1'000'000'000; ///< the reference implementation's default
    std::vector<std::string> ignorePaths;    ///< relative to the model folder; signed
    bool ignoreGitPaths = true;              ///< .git, .gitattributes, .github, .gitignore (as the reference)
    /// Adds an RFC 3161 timestamp (R2.6), so that the model's signature outlives its signer's certificate.
    std::optional<TimestampAuthority> timestamp;
};

/// Hashes the model folder and signs the manifest (certificate method). `signaturePath` is ignored (and
/// listed in ignore_paths) when it lies inside the folder. Returns the bundle JSON. Errors: Unreadable
/// (folder, a file), Invalid (a symlink, a non-regular file, a name that is not UTF-8), Unsupported (a key
/// other than ECDSA P-256/P-384/P-521: the reference implementation verifies only those), Crypto.
Expected<std::string, Error> signModel(const std::filesystem::path& modelDir, const SigningIdentity& identity,
                                       const ModelSignOptions& options,
                                       const std::filesystem::path& signaturePath = {});

/// The manifest of a model folder as signModel() computes it (root digest, resources).
Expected<OmsManifest, Error> hashModelDirectory(const std::filesystem::path& modelDir,
                                                const ModelSignOptions& options,
                                                const std::filesystem::path& signaturePath = {});

} // namespace veridicor::verify
