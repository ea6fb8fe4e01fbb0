#pragma once
/// \file
/// Making certificates, CRLs and a complete demo trust store with OpenSSL: for tests (a PKI made inside each
/// test) and for the demo (generated at build time; no private key is ever committed). Not used to verify.

#include <veridicor/base/expected.h>
#include <veridicor/verify/error.h>
#include <veridicor/verify/keys.h>
#include <veridicor/verify/time.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace veridicor::verify {

struct CertificateSpec {
    std::string commonName;
    std::string organization;
    std::vector<std::string> dnsNames;
    std::vector<std::string> uris;
    std::vector<std::string> emails;
    bool ca = false;
    int pathLength = -1; ///< CA only; < 0: unlimited
    TimePoint notBefore{};
    TimePoint notAfter{};
    std::uint64_t serial = 0; ///< 0: a random serial
    std::string digest =
        "SHA256"; ///< the issuer's signature digest ("SHA1" to make a weak one; ignored for Ed25519)
    bool digitalSignature = true; ///< leaf key usage: digitalSignature (else keyEncipherment only)
    /// Extended key usage, by OpenSSL short name ("codeSigning", "timeStamping", "serverAuth", …); empty: no
    /// extension. Leaves made for finding and model signing carry codeSigning (finding-bundle R2.3).
    std::vector<std::string> extendedKeyUsage;
    bool extendedKeyUsageCritical = false;
    /// CA only: name constraints in OpenSSL's configuration form, e.g. "permitted;DNS:.vendor-a.example",
    /// "excluded;email:.example"; empty: none. Written as one critical extension.
    std::vector<std::string> nameConstraints;
    /// Subject names other than CN and O in the order given, e.g. {"OU", "Inference"}.
    std::vector<std::pair<std::string, std::string>> extraSubject;
};

/// Issues a certificate for `subjectKey`, signed by `issuerKey` as `issuer` (nullptr: self-signed, then
/// `issuerKey` must be `subjectKey`). CA certificates get basicConstraints CA:TRUE and keyCertSign/cRLSign;
/// leaves CA:FALSE and digitalSignature. Errors: Crypto, Invalid (unknown digest).
Expected<Certificate, Error> issueCertificate(const CertificateSpec& spec, const PrivateKey& subjectKey,
                                              const Certificate* issuer, const PrivateKey& issuerKey);

struct Revocation {
    Certificate certificate;
    TimePoint revokedAt{};
    int reason = -1; ///< CRL reason code (RFC 5280: 1 keyCompromise, 4 superseded, …); < 0: none given
};

/// A CRL (v2, SHA-256, with the authority key identifier of `issuer`) issued by `issuer` listing `revoked`,
/// valid from `thisUpdate` to `nextUpdate`, as PEM.
Expected<std::string, Error> makeCrlPem(const Certificate& issuer, const PrivateKey& issuerKey,
                                        const std::vector<Revocation>& revoked, TimePoint thisUpdate,
                                        TimePoint nextUpdate);

/// The policy of the timestamps makeTimestampToken() makes: 1.2.3.4.1, the example policy of OpenSSL's
/// configuration file, not a registered one. It marks tokens of a test or demo TSA; a verifier does not rely
/// on it (we check no policy).
inline constexpr const char* kDemoTsaPolicyOid = "1.2.3.4.1";

/// An RFC 3161 TimeStampToken (DER) over `signatureBytes`, made by OpenSSL's own responder (TS_RESP_CTX) as a
/// local TSA would: message imprint SHA-256 over `signatureBytes` (request with certReq, no nonce), signed by
/// `tsaKey` as `tsaCert` with a SHA-256 signer digest and an ESS signingCertificateV2 (SHA-256) attribute,
/// policy kDemoTsaPolicyOid, genTime `genTime` (fractions of a second kept to microseconds), serial `serial`
/// (0: a random 63-bit one). The token carries `tsaCert` and then `extraCerts` (intermediates up to, not
/// including, the TSA root). `tsaCert` must have the extended key usage timeStamping alone and critical (RFC
/// 3161 §2.3; OpenSSL refuses others) and a key of ECDSA or RSA. For tests, the demo and `sign-finding
/// --tsa-key`. Errors: Invalid (key does not match, certificate may not sign timestamps), Crypto.
Expected<std::string, Error> makeTimestampToken(const Certificate& tsaCert, const PrivateKey& tsaKey,
                                                const std::vector<Certificate>& extraCerts,
                                                std::string_view signatureBytes, TimePoint genTime,
                                                std::uint64_t serial = 0);

/// Writes `text` to `path` (creating folders), private keys with mode 0600. Errors: Io.
Expected<void, Error> writeTextFile(const std::filesystem::path& path, std::string_view text,
                                    bool privateKey = false);

/// What writeDemoPki() made, for the demo and for tests that want a ready trust store.
struct DemoPki {
    std::filesystem::path trustStore; ///< anchors/, crls/, models/, policy.json
    std::filesystem::path signers;    ///< <name>.key.pem and <name>.chain.pem for each signer
    std::filesystem::path models;     ///< the demo model folders that models/*.sig sign
    std::string ecgModelDigest;
    std::string echoModelDigest;
};

/// Generates a complete demo PKI and trust store under `outDir` at time `now`: a root CA and an intermediate
/// (keys of `caKeyType`, ECDSA P-256 by default), a finding signer "omi-inference.vendor-a.example" (P-256)
/// and an Ed25519 one, a model signer "Vendor A Model Signing", a revoked signer (listed in the
/// intermediate's CRL), an expired signer, a signer under an unknown root, and a reader "Dr. Demo Reader"
/// (e-mail demo.reader@hospital.example, P-256) who may sign readings (policy readingSigners; the signing CA
/// in the store's cas/, since a DICOM signature carries only the signer's certificate); two demo models
/// ("ecg-omi-detector" 2.1.0 for ECG, "echo-lv-segmenter" 1.0.0 for US), signed with OMS v1.0 into
/// models/*.sig; and policy.json approving both. Errors: Crypto, Io.
Expected<DemoPki, Error> writeDemoPki(const std::filesystem::path& outDir, TimePoint now,
                                      KeyType caKeyType = KeyType::EcP256);

} // namespace veridicor::verify
