#pragma once
/// \file
/// Producing signed bundles: the finding bundle of finding-bundle-v1 (for AI producers, tests and the demo)
/// and plain DSSE bundles. Model signing (OMS v1.0) is in oms.h.

#include <veridicor/base/expected.h>
#include <veridicor/verify/error.h>
#include <veridicor/verify/input_digest.h>
#include <veridicor/verify/json.h>
#include <veridicor/verify/keys.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace veridicor::verify {

/// A private key with its certificate chain (leaf first; the leaf's public key is the key's).
class SigningIdentity {
public:
    /// Errors: Invalid (empty chain, or the key is not the leaf's), Unsupported (a key type that cannot sign
    /// DSSE here: only ECDSA P-256/P-384/P-521, Ed25519 and RSA).
    static Expected<SigningIdentity, Error> create(PrivateKey key, std::vector<Certificate> chain);
    /// Reads a PEM (PKCS#8) key and a PEM chain, leaf first. Errors: as create(), plus those of reading.
    static Expected<SigningIdentity, Error> load(const std::filesystem::path& keyPem,
                                                 const std::filesystem::path& chainPem);

    [[nodiscard]] const PrivateKey& key() const { return m_key; }
    [[nodiscard]] const std::vector<Certificate>& chain() const { return m_chain; }

private:
    SigningIdentity(PrivateKey key, std::vector<Certificate> chain)
        : m_key(std::move(key)), m_chain(std::move(chain)) {}
    PrivateKey m_key;
    std::vector<Certificate> m_chain;
};

/// A local timestamp authority (R2.6): its key and its certificate chain, leaf first (the TSA root may be
/// left out). Its leaf must carry the extended key usage timeStamping, alone and critical.
struct TimestampAuthority {
    PrivateKey key;
    std::vector<Certificate> chain;
    /// Loads a PEM key and a PEM chain. Errors: those of reading; Invalid (empty chain, key not the leaf's).
    static Expected<TimestampAuthority, Error> load(const std::filesystem::path& keyPem,
                                                    const std::filesystem::path& chainPem);
};

/// Signs `payload` (payload type application/vnd.in-toto+json) and wraps it as a Sigstore bundle v0.3 with
/// the identity's certificate chain: DSSE signature over PAE; ECDSA with the curve's SHA-2, Ed25519, or
/// RSA-PSS SHA-256. `emptyKeyId` writes `"keyid": ""` as the OMS reference implementation does. With `tsa`,
/// an RFC 3161 token over the signature bytes, made now, goes into timestampVerificationData. Errors:
/// Crypto, Invalid (the TSA cannot sign timestamps).
Expected<std::string, Error> signDsseBundle(const SigningIdentity& identity, std::string_view payload,
                                            bool emptyKeyId = false, const TimestampAuthority* tsa = nullptr);

/// How signFinding() binds and signs.
struct FindingSignOptions {
    /// The digest method; empty: the input's best (`InputData::method`: dicom-*-v2 for DICOM, wfdb-record-v1
    /// for a WFDB record, else file-v1).
    std::optional<DigestMethod> method;
    /// Adds an RFC 3161 timestamp by this authority, so that the finding outlives its signer's certificate.
    std::optional<TimestampAuthority> timestamp;
};

/// Makes a finding bundle from the producer's predicate: fills `subject` (the input's SOP Instance UID,
/// WFDB record name or file name, and its digest by the chosen method), `input.digestMethod`,
/// `input.attributes` (for a v2 method: the digest of each attribute, so that a verifier can name what
/// changed), `input.modality` and the input's UIDs when the predicate leaves them out, `producedAt` (now)
/// when absent, and every attachment's `digest.sha256` from the file of that name in `attachmentDir`. The
/// finished statement is checked against the specification before it is signed. Errors: Invalid (the
/// predicate, once filled, breaks the specification; an attachment is missing; the predicate names UIDs or
/// a modality that are not the input's; the method cannot bind this input), Unreadable, TooLarge, Crypto.
Expected<std::string, Error> signFinding(const SigningIdentity& identity, const json::Value& predicate,
                                         const InputData& input, const std::filesystem::path& attachmentDir,
                                         const FindingSignOptions& options = {});

/// The in-toto statement signFinding() signs (without signing it), for producers that sign elsewhere.
Expected<std::string, Error> buildFindingStatement(const json::Value& predicate, const InputData& input,
                                                   const std::filesystem::path& attachmentDir,
                                                   const FindingSignOptions& options = {});

} // namespace veridicor::verify
