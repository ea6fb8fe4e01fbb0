#include "crypto.h"

#include <veridicor/verify/encoding.h>
#include <veridicor/verify/keys.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <fstream>
#include <set>

namespace veridicor::verify {

using namespace detail;

Expected<std::string, Error> readFileBounded(const std::filesystem::path& path, std::size_t maxBytes) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status)) {
        return Unexpected{Error{ErrorCode::Unreadable, "'" + path.string() + "' does not exist"}};
    }
    if (!std::filesystem::is_regular_file(status)) {
        return Unexpected{Error{ErrorCode::Unreadable, "'" + path.string() + "' is not a regular file"}};
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Unexpected{
            Error{ErrorCode::Unreadable, "'" + path.string() + "' cannot be opened for reading"}};
    }
    // Read at most one byte more than allowed: the size on disk may change between stat and read. Room for
    // what the file holds now is made at once (a 64 MiB bundle appended in pieces was copied over and over).
    std::string data;
    if (const auto size = std::filesystem::file_size(path, ec); !ec) {
        data.reserve(static_cast<std::size_t>(std::min<std::uintmax_t>(size, maxBytes)) + 1);
    }
    std::vector<char> buf(1 << 16);
    while (in && data.size() <= maxBytes) {
        const std::size_t rest = maxBytes - data.size();
        const std::size_t want = rest >= buf.size() ? buf.size() : rest + 1;
        in.read(buf.data(), static_cast<std::streamsize>(want));
        data.append(buf.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) {
        return Unexpected{Error{ErrorCode::Unreadable, "'" + path.string() + "' could not be read"}};
    }
    if (data.size() > maxBytes) {
        return Unexpected{Error{ErrorCode::TooLarge, "'" + path.string() + "' is larger than " +
                                                         std::to_string(maxBytes) + " bytes"}};
    }
    return data;
}

namespace {
constexpr std::size_t kMaxPemBytes = std::size_t{4} << 20;

std::shared_ptr<EVP_PKEY> sharedKey(EVP_PKEY* key) {
    return {key, EVP_PKEY_free};
}
std::shared_ptr<X509> sharedCert(X509* cert) {
    return {cert, X509_free};
}

std::string nameRfc2253(const X509_NAME* name) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
        return {};
    }
    return bioContents(bio.get());
}

std::string asn1String(const ASN1_STRING* s) {
    unsigned char* utf8 = nullptr;
    const int n = ASN1_STRING_to_UTF8(&utf8, s);
    if (n < 0 || utf8 == nullptr) {
        return {};
    }
    std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
    return out;
}
/// Reads a PEM file of at most kMaxPemBytes and parses it with `parse`; errors name the file.
template <class Parse>
auto loadPemFile(const std::filesystem::path& path, Parse parse) -> decltype(parse(std::string_view{})) {
    auto text = readFileBounded(path, kMaxPemBytes);
    if (!text) {
        return Unexpected{text.error()};
    }
    auto parsed = parse(*text);
    if (!parsed) {
        return Unexpected{Error{parsed.error().code, "'" + path.string() + "': " + parsed.error().message}};
    }
    return parsed;
}

std::string publicKeyPemOf(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PUBKEY(bio.get(), key);
    return bioContents(bio.get());
}
} // namespace

// ---- PrivateKey
// ----------------------------------------------------------------------------------------------

PrivateKey PrivateKey::fromNative(evp_pkey_st* key) {
    PrivateKey k;
    EVP_PKEY_up_ref(key);
    k.m_key = sharedKey(key);
    return k;
}

Expected<PrivateKey, Error> PrivateKey::generate(KeyType type, int rsaBits) {
    EVP_PKEY* key = nullptr;
    switch (type) {
    case KeyType::EcP256:
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        break;
    case KeyType::EcP384:
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
        break;
    case KeyType::EcP521:
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
        break;
    case KeyType::Ed25519:
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
        break;
    case KeyType::Rsa:
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(rsaBits));
        break;
    }
    if (key == nullptr) {
        return Unexpected{Error{ErrorCode::Crypto, "key generation failed: " + openSslErrors()}};
    }
    PrivateKey k;
    k.m_key = sharedKey(key);
    return k;
}

Expected<PrivateKey, Error> PrivateKey::fromPem(std::string_view pem) {
    if (pem.find("ENCRYPTED") != std::string_view::npos) {
        return Unexpected{
            Error{ErrorCode::Invalid, "the private key is encrypted; give an unencrypted PKCS#8 key"}};
    }
    BioPtr bio = memoryBio(pem);
    // An empty passphrase callback: never prompt on a terminal.
    EVP_PKEY* key = PEM_read_bio_PrivateKey(
        bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr);
    if (key == nullptr) {
        const std::string why = openSslErrors();
        return Unexpected{
            Error{ErrorCode::Invalid, "not a PEM private key" + (why.empty() ? "" : " (" + why + ")")}};
    }
    PrivateKey k;
    k.m_key = sharedKey(key);
    return k;
}

Expected<PrivateKey, Error> PrivateKey::load(const std::filesystem::path& path) {
    return loadPemFile(path, [](std::string_view pem) { return fromPem(pem); });
}

std::string PrivateKey::pkcs8Pem() const {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), m_key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    return bioContents(bio.get());
}

std::string PrivateKey::publicKeyPem() const {
    return publicKeyPemOf(m_key.get());
}

std::string PrivateKey::description() const {
    return describeKey(m_key.get());
}

// ---- PublicKey
// -----------------------------------------------------------------------------------------------

PublicKey PublicKey::fromNative(evp_pkey_st* key) {
    PublicKey k;
    EVP_PKEY_up_ref(key);
    k.m_key = sharedKey(key);
    return k;
}

Expected<PublicKey, Error> PublicKey::fromPem(std::string_view pem) {
    BioPtr bio = memoryBio(pem);
    EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
    if (key == nullptr) {
        const std::string why = openSslErrors();
        return Unexpected{Error{ErrorCode::Invalid, "not a PEM public key (SubjectPublicKeyInfo)" +
                                                        (why.empty() ? "" : " (" + why + ")")}};
    }
    PublicKey k;
    k.m_key = sharedKey(key);
    return k;
}

Expected<PublicKey, Error> PublicKey::load(const std::filesystem::path& path) {
    return loadPemFile(path, [](std::string_view pem) { return fromPem(pem); });
}

std::string PublicKey::pem() const {
    return publicKeyPemOf(m_key.get());
}

std::string PublicKey::description() const {
    return describeKey(m_key.get());
}

// ---- Certificate
// ---------------------------------------------------------------------------------------------

Certificate Certificate::fromNative(x509_st* cert) {
    X509_up_ref(cert);
    return Certificate(sharedCert(cert));
}

Expected<Certificate, Error> Certificate::fromDer(std::string_view der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
    if (cert == nullptr) {
        ERR_clear_error();
        return Unexpected{Error{ErrorCode::Invalid, "not a DER X.509 certificate"}};
    }
    if (p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
        X509_free(cert);
        return Unexpected{Error{ErrorCode::Invalid, "bytes follow the DER certificate"}};
    }
    return Certificate(sharedCert(cert));
}

Expected<std::vector<Certificate>, Error> Certificate::allFromPem(std::string_view pem) {
    BioPtr bio = memoryBio(pem);
    std::vector<Certificate> out;
    while (true) {
        X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
        if (cert == nullptr) {
            const unsigned long err = ERR_peek_last_error();
            ERR_clear_error();
            if (ERR_GET_REASON(err) != PEM_R_NO_START_LINE) {
                return Unexpected{Error{ErrorCode::Invalid, "a damaged PEM certificate block"}};
            }
            break;
        }
        out.push_back(Certificate(sharedCert(cert)));
    }
    if (out.empty()) {
        return Unexpected{Error{ErrorCode::Invalid, "no PEM certificate found"}};
    }
    return out;
}

Expected<std::vector<Certificate>, Error> Certificate::loadPem(const std::filesystem::path& path) {
    return loadPemFile(path, [](std::string_view pem) { return allFromPem(pem); });
}

std::string Certificate::der() const {
    if (!m_cert) {
        return {};
    }
    unsigned char* buf = nullptr;
    const int n = i2d_X509(m_cert.get(), &buf);
    if (n <= 0 || buf == nullptr) {
        return {};
    }
    std::string out(reinterpret_cast<char*>(buf), static_cast<std::size_t>(n));
    OPENSSL_free(buf);
    return out;
}

std::string Certificate::pem() const {
    if (!m_cert) {
        return {};
    }
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), m_cert.get());
    return bioContents(bio.get());
}

PublicKey Certificate::publicKey() const {
    EVP_PKEY* key = m_cert ? X509_get0_pubkey(m_cert.get()) : nullptr;
    return key != nullptr ? PublicKey::fromNative(key) : PublicKey();
}

bool Certificate::matches(const PrivateKey& key) const {
    EVP_PKEY* pub = m_cert ? X509_get0_pubkey(m_cert.get()) : nullptr;
    const bool eq = pub != nullptr && key.native() != nullptr && EVP_PKEY_eq(pub, key.native()) == 1;
    ERR_clear_error();
    return eq;
}

CertificateInfo Certificate::info() const {
    X509* x = m_cert.get();
    CertificateInfo info;
    if (x == nullptr) {
        return info;
    }
    info.subject = nameRfc2253(X509_get_subject_name(x));
    info.issuer = nameRfc2253(X509_get_issuer_name(x));
    std::set<std::string> seen;
    auto addIdentity = [&](std::string id) {
        if (!id.empty() && seen.insert(id).second) {
            info.identities.push_back(std::move(id));
        }
    };
    const X509_NAME* subject = X509_get_subject_name(x);
    const int cnIndex = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (cnIndex >= 0) {
        info.commonName = asn1String(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, cnIndex)));
        addIdentity(info.commonName);
    }
    auto* sans = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr));
    if (sans != nullptr) {
        for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
            const GENERAL_NAME* gn = sk_GENERAL_NAME_value(sans, i);
            if (gn->type == GEN_DNS || gn->type == GEN_URI || gn->type == GEN_EMAIL) {
                addIdentity(asn1String(gn->d.ia5));
            }
        }
        GENERAL_NAMES_free(sans);
    }
    ERR_clear_error();
    const ASN1_INTEGER* serial = X509_get0_serialNumber(x);
    if (BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr); bn != nullptr) {
        if (char* hex = BN_bn2hex(bn); hex != nullptr) {
            info.serialHex = hex;
            OPENSSL_free(hex);
        }
        BN_free(bn);
    }
    info.notBefore = asn1ToTime(X509_get0_notBefore(x)).value_or(TimePoint{});
    info.notAfter = asn1ToTime(X509_get0_notAfter(x)).value_or(TimePoint{});
    info.keyDescription = describeKey(X509_get0_pubkey(x));
    const int sigNid = X509_get_signature_nid(x);
    info.signatureAlgorithm = sigNid != NID_undef ? OBJ_nid2ln(sigNid) : "unknown";
    const std::string d = der();
    info.sha256Fingerprint = sha256Hex(d);
    info.isCa = X509_check_ca(x) != 0;
    info.pem = pem();
    ERR_clear_error();
    return info;
}

std::string certificatesToPem(const std::vector<Certificate>& chain) {
    std::string out;
    for (const auto& c : chain) {
        out += c.pem();
    }
    return out;
}

} // namespace veridicor::verify
