#pragma once
/// \file
/// Keys and X.509 certificates (OpenSSL underneath; no OpenSSL header is needed to use these types).

#include <veridicor/base/expected.h>
#include <veridicor/verify/error.h>
#include <veridicor/verify/time.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct evp_pkey_st; // OpenSSL's EVP_PKEY
struct x509_st;     // OpenSSL's X509

namespace veridicor::verify {

enum class KeyType { EcP256, EcP384, EcP521, Ed25519, Rsa };

/// A private key. Copies share the key.
class PrivateKey {
public:
    /// A fresh key. `rsaBits` only for KeyType::Rsa. Errors: Crypto.
    static Expected<PrivateKey, Error> generate(KeyType type, int rsaBits = 2048);
    /// An unencrypted PEM private key (PKCS#8 "PRIVATE KEY", or the traditional EC/RSA forms).
    /// Errors: Invalid (not a PEM private key, or encrypted).
    static Expected<PrivateKey, Error> fromPem(std::string_view pem);
    /// fromPem() of a file. Errors: Unreadable, TooLarge, Invalid.
    static Expected<PrivateKey, Error> load(const std::filesystem::path& path);

    /// PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----").
    [[nodiscard]] std::string pkcs8Pem() const;
    /// The public half as SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----").
    [[nodiscard]] std::string publicKeyPem() const;
    /// "ECDSA P-256", "Ed25519", "RSA 2048", …
    [[nodiscard]] std::string description() const;
    [[nodiscard]] evp_pkey_st* native() const { return m_key.get(); }
    /// Wraps an OpenSSL key, taking one reference of its own (the caller keeps theirs).
    static PrivateKey fromNative(evp_pkey_st* key);

private:
    std::shared_ptr<evp_pkey_st> m_key;
};

/// A public key (for the OMS "key" method).
class PublicKey {
public:
    /// A SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----"). Errors: Invalid.
    static Expected<PublicKey, Error> fromPem(std::string_view pem);
    static Expected<PublicKey, Error> load(const std::filesystem::path& path);
    [[nodiscard]] std::string pem() const;
    [[nodiscard]] std::string description() const;
    [[nodiscard]] evp_pkey_st* native() const { return m_key.get(); }
    /// Wraps an OpenSSL key, taking one reference of its own.
    static PublicKey fromNative(evp_pkey_st* key);

private:
    std::shared_ptr<evp_pkey_st> m_key;
};

/// What a person (or the verdict JSON) needs to know of a certificate.
struct CertificateInfo {
    std::string subject;                 ///< RFC 2253 ("CN=omi-inference.vendor-a.example,O=Vendor A")
    std::string issuer;                  ///< RFC 2253
    std::string commonName;              ///< subject CN (first), may be empty
    std::vector<std::string> identities; ///< subject CN, then every DNS, URI and e-mail SAN, in order, unique
    std::string serialHex;
    TimePoint notBefore{};
    TimePoint notAfter{};
    std::string keyDescription;     ///< "ECDSA P-256", "RSA 1024", …
    std::string signatureAlgorithm; ///< "ecdsa-with-SHA256", "sha1WithRSAEncryption", …
    std::string sha256Fingerprint;  ///< lowercase hex of the DER
    bool isCa = false;
    std::string pem; ///< the certificate itself, for "view certificate" displays
};

/// An X.509 certificate. Copies share it.
class Certificate {
public:
    /// An empty certificate (to be assigned); every accessor of an empty one returns empty values.
    Certificate() = default;
    [[nodiscard]] bool isNull() const { return !m_cert; }
    /// DER bytes. Errors: Invalid (not a DER certificate, or bytes after it).
    static Expected<Certificate, Error> fromDer(std::string_view der);
    /// Every certificate of a PEM text, in order. Errors: Invalid (none, or a damaged block).
    static Expected<std::vector<Certificate>, Error> allFromPem(std::string_view pem);
    static Expected<std::vector<Certificate>, Error> loadPem(const std::filesystem::path& path);

    [[nodiscard]] std::string der() const;
    [[nodiscard]] std::string pem() const;
    [[nodiscard]] CertificateInfo info() const;
    [[nodiscard]] PublicKey publicKey() const;
    /// True when `key` is the private half of this certificate's public key.
    [[nodiscard]] bool matches(const PrivateKey& key) const;
    [[nodiscard]] x509_st* native() const { return m_cert.get(); }
    /// Wraps an OpenSSL certificate, taking one reference of its own.
    static Certificate fromNative(x509_st* cert);

private:
    explicit Certificate(std::shared_ptr<x509_st> cert) : m_cert(std::move(cert)) {}
    std::shared_ptr<x509_st> m_cert;
};

/// The PEM of each certificate, concatenated.
std::string certificatesToPem(const std::vector<Certificate>& chain);

/// Reads a small file whole, refusing files over `maxBytes`. Errors: Unreadable, TooLarge.
Expected<std::string, Error> readFileBounded(const std::filesystem::path& path, std::size_t maxBytes);

} // namespace veridicor::verify
