#pragma once
// RFC 3161 timestamps (finding-bundle R2.6): a TimeStampToken from the bundle's
// verificationMaterial.timestampVerificationData says when a TSA saw the DSSE signature, so that the signer's
// chain can be judged at that time rather than at the verification time. This file only verifies a token; the
// verifier decides what the time means.

#include <veridicor/verify/keys.h>
#include <veridicor/verify/time.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace veridicor::verify::detail {

/// Tokens larger than this are refused before they are parsed (real ones are 1–8 KiB with their
/// certificates).
inline constexpr std::size_t kMaxTimestampTokenBytes = std::size_t{64} * 1024;

struct TimestampVerification {
    bool ok = false;
    /// Plain words for a check detail. Nothing of the token is copied into it except through safe_text.h (the
    /// TSA's name, quoted, once the token verified); a token that did not verify names its TSA certificate by
    /// SHA-256 fingerprint only.
    std::string detail;
    TimePoint genTime{}; ///< the token's time (fractions of a second kept to microseconds); only when ok
    /// Subject CN of the TSA certificate as written in it (raw: escape it with quoteText() before showing
    /// it); only when ok.
    std::string tsaName;
    std::string tsaCertSha256; ///< lowercase hex of the TSA certificate's DER, whenever the token names one
    std::string serialHex;     ///< the token's serial number (uppercase hex, as OpenSSL prints); only when ok
    /// When ok: the verification times for which this outcome cannot change — the TSA chain's common
    /// validity period (its notAfter second included), from no earlier than genTime less the clock skew.
    TimePoint stableFrom{};
    TimePoint stableTo{};
};

/// Verifies an RFC 3161 TimeStampToken (DER ContentInfo of a CMS SignedData holding a TSTInfo) for the DSSE
/// signature `signatureBytes`, in this order (the first failure is the detail):
/// - `tsaAnchors` is not empty; the token is at most kMaxTimestampTokenBytes (refused before parsing),
///   one DER structure with nothing after it, holding a version-1 TSTInfo, with exactly one signer whose
///   certificate is in the token;
/// - the TSA certificate has the timeStamping extended key usage, alone and critical (RFC 3161 §2.3); the
///   signature digest is SHA-256/384/512;
/// - its chain verifies to one of `tsaAnchors` only (a fresh store: nothing of the system's), at time `at`,
///   with OpenSSL's timestamp-signing purpose; intermediates may come from the token; every key of the chain
///   passes our key rules and no certificate below the anchor is signed with a broken digest. No revocation
///   check (the trust store has no CRLs for TSAs);
/// - the message imprint is SHA-256 (checked by algorithm, not only by length) over `signatureBytes`;
/// - OpenSSL's TS_RESP_verify_token with TS_VFY_VERSION | TS_VFY_SIGNATURE | TS_VFY_IMPRINT (the chain
///   again, the ESS signing-certificate attribute, the signature);
/// - genTime is a readable GeneralizedTime, inside the TSA certificate's validity and not after `at` + 5
///   minutes.
/// The policy, nonce, accuracy and TSA name of the token are not checked. Never throws; leaves this thread's
/// OpenSSL error queue empty.
TimestampVerification verifyTimestampToken(std::string_view tokenDer, std::string_view signatureBytes,
                                           const std::vector<Certificate>& tsaAnchors, TimePoint at);

/// An ASN.1 GeneralizedTime as DER writes it ("YYYYMMDDHHMMSS[.f+]Z"; digits beyond microseconds are
/// dropped) → TimePoint; nullopt for any other form (local times, offsets, missing seconds).
std::optional<TimePoint> parseGeneralizedTime(std::string_view text);

} // namespace veridicor::verify::detail
