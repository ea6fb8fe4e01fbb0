#pragma once
// The Sigstore bundle v0.3 JSON container with a DSSE envelope, as the finding bundle and OMS v1.0 use it.

#include <veridicor/base/expected.h>
#include <veridicor/verify/keys.h>
#include <veridicor/verify/reason.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace veridicor::verify::detail {

inline constexpr std::string_view kBundleMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json";
inline constexpr std::string_view kInTotoPayloadType = "application/vnd.in-toto+json";
inline constexpr std::string_view kStatementType = "https://in-toto.io/Statement/v1";
inline constexpr std::size_t kMaxBundleBytes = std::size_t{64} << 20;

struct ParsedBundle {
    std::string payload; ///< decoded, not yet authenticated
    std::string payloadType;
    std::string signature;          ///< decoded (exactly one)
    std::vector<Certificate> chain; ///< leaf first; empty for the key method
    bool hasPublicKey = false;      ///< "publicKey" verification material (OMS key method)
    std::string publicKeyHint;      ///< its "hint", when present
    std::string publicKeyRawBytes;  ///< its decoded "rawBytes" (older OMS bundles), when present
    /// More certificates than a chain may hold (R2.3: kMaxChainCertificates): none of them was decoded, and
    /// `chain` is empty.
    bool tooManyCertificates = false;
    std::size_t certificateCount = 0; ///< as listed
    /// verificationMaterial.timestampVerificationData.rfc3161Timestamps[].signedTimestamp, decoded (DER
    /// TimeStampTokens, not yet verified).
    std::vector<std::string> timestamps;
};

inline constexpr std::size_t kMaxTimestamps = 8;
inline constexpr std::size_t kMaxTimestampBytes = std::size_t{64} << 10;

struct BundleIssue {
    Reason reason = Reason::Malformed; ///< MALFORMED or UNSIGNED
    std::string detail;
};

/// Step 1 of the specification: strict JSON, the bundle media type, payloadType in-toto, base64 (standard or
/// URL-safe), every field type-checked and unknown fields refused → else MALFORMED; no signature, or no
/// certificate chain (no chain and no public key when `allowPublicKey`) → UNSIGNED.
Expected<ParsedBundle, BundleIssue> parseBundle(std::string_view bytes, bool allowPublicKey);

/// A Sigstore bundle (certificate method) around a DSSE envelope of an in-toto payload, compact JSON.
/// `timestamps`: DER TimeStampTokens over the signature, written as
/// timestampVerificationData.rfc3161Timestamps (none: the member is left out).
std::string writeBundle(std::string_view payload, std::string_view signature,
                        const std::vector<Certificate>& chain, bool writeEmptyKeyId,
                        const std::vector<std::string>& timestamps = {});

} // namespace veridicor::verify::detail
