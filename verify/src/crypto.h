#pragma once
// OpenSSL plumbing shared inside verify/: owning pointers, key strength rules, DSSE PAE signatures.

#include <veridicor/base/expected.h>
#include <veridicor/verify/error.h>
#include <veridicor/verify/time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>

namespace veridicor::verify::detail {

struct X509Free {
    void operator()(X509* p) const { X509_free(p); }
};
struct EvpPkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509CrlFree {
    void operator()(X509_CRL* p) const { X509_CRL_free(p); }
};
struct X509StoreFree {
    void operator()(X509_STORE* p) const { X509_STORE_free(p); }
};
struct X509StoreCtxFree {
    void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
};
struct BioFree {
    void operator()(BIO* p) const { BIO_free(p); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct PkeyCtxFree {
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};

using X509Ptr = std::unique_ptr<X509, X509Free>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;
using X509CrlPtr = std::unique_ptr<X509_CRL, X509CrlFree>;
using X509StorePtr = std::unique_ptr<X509_STORE, X509StoreFree>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, X509StoreCtxFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

/// Drains OpenSSL's error queue of this thread into one line ("" when empty).
std::string openSslErrors();

/// A read-only memory BIO over `data` (which must outlive it).
BioPtr memoryBio(std::string_view data);
/// Everything written to a memory BIO.
std::string bioContents(BIO* bio);

/// "ECDSA P-256", "Ed25519", "RSA 2048", "DSA 1024", "EC secp256k1", …
std::string describeKey(EVP_PKEY* key);

/// The key rules of the specification: ECDSA P-256/P-384/P-521, Ed25519 and RSA ≥ 2048 bits are acceptable;
/// anything else is weak.
bool isAcceptableKey(EVP_PKEY* key);

/// True when the certificate's signature uses a broken digest (MD2/MD4/MD5/MDC2/SHA-1) or one of under 112
/// bits of security. `name` receives the algorithm's name.
bool hasWeakSignatureAlgorithm(X509* cert, std::string& name);

/// DSSE v1 pre-authentication encoding: "DSSEv1 <len(type)> <type> <len(body)> <body>".
std::string pae(std::string_view payloadType, std::string_view payload);

enum class SignatureCheck { Valid, Invalid, UnsupportedKey };

/// Verifies `signature` over `message` with `key`: ECDSA (DER signature) with SHA-256/384/512 for
/// P-256/384/521; Ed25519 (pure, one-shot); RSA PKCS#1 v1.5 or RSASSA-PSS (MGF1, any salt length) with
/// SHA-256.
SignatureCheck verifySignature(EVP_PKEY* key, std::string_view message, std::string_view signature);

/// Signs `message` with `key` by the same rules (RSA keys sign RSASSA-PSS, SHA-256, 32-byte salt).
/// Errors: Unsupported (key type), Crypto.
Expected<std::string, Error> signMessage(EVP_PKEY* key, std::string_view message);

/// ASN1_TIME → TimePoint (nullopt when it cannot be read).
std::optional<TimePoint> asn1ToTime(const ASN1_TIME* t);

} // namespace veridicor::verify::detail
