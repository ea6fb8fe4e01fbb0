#pragma once
// Steps 1–3 of the specification, shared by finding bundles and OMS model bundles.

#include "bundle.h"

#include <veridicor/verify/keys.h>
#include <veridicor/verify/trust_store.h>
#include <veridicor/verify/verdict.h>

#include <array>
#include <optional>
#include <set>

namespace veridicor::verify::detail {

struct Authentication {
    std::array<Check, 3> checks{}; ///< envelope, chain, signature
    std::set<Reason> reasons;
    std::optional<SignerInfo> signer;
    std::optional<ParsedBundle> bundle;
    bool keyMethod = false;
    /// The genTime of the verified RFC 3161 timestamp(s) (the earliest): the chain was judged then (R2.6).
    std::optional<TimePoint> signedAt;
    /// With `signedAt`: the verification times over which the timestamps' verdict cannot change.
    TimePoint timestampStableFrom = TimePoint::min();
    TimePoint timestampStableTo = TimePoint::max();
    /// Steps 1–3 passed: bundle->payload is authentic.
    [[nodiscard]] bool authentic() const { return reasons.empty() && bundle.has_value(); }
};

/// `what` names the thing for details ("finding", "model signature"). With `key`, the OMS key method.
Authentication authenticateBundle(std::string_view bytes, const TrustStore& store, const PublicKey* key,
                                  TimePoint at, bool allowPublicKey, const std::string& what);

/// For tests only (tst_finding_discovery counts authentications): when set, called at the start of every
/// authenticateBundle() with the bytes and `what`. Set it before verifying, not while another thread does.
using AuthenticationObserver = void (*)(std::string_view bytes, std::string_view what);
void setAuthenticationObserver(AuthenticationObserver observer);

/// Sorted by name, unique.
std::vector<Reason> sortedReasons(const std::set<Reason>& reasons);

SignerInfo signerInfoFor(const std::vector<Certificate>& chain, bool trusted);
/// With the identities that count and the path's CAs (R2.3).
SignerInfo signerInfoFor(const ChainResult& chain);

} // namespace veridicor::verify::detail
