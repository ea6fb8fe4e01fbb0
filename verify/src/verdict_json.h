#pragma once
// Output only: the signer of a verdict as JSON, shared by the finding verdict and the model verification.

#include <veridicor/verify/json.h>
#include <veridicor/verify/verdict.h>

#include <optional>

namespace veridicor::verify::detail {

/// {"identity": [...], "identities": [typed], "authorized": "dns:…" or null, "issuer": "...", "notBefore":
/// "...", "notAfter": "..."}, or null without a
/// certificate. The identities and the issuer are what the certificate claims; they are written only when its
/// chain verified (`chainTrusted`): an unverified certificate can claim any name, so its claims are left out
/// (the chain check's detail names it by its SHA-256 fingerprint instead).
json::Value signerToJson(const std::optional<SignerInfo>& signer);

} // namespace veridicor::verify::detail
