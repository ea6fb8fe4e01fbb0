#include "crypto.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <array>
#include <cstdio>
#include <ctime>

namespace veridicor::verify::detail {

std::string openSslErrors() {
    std::string out;
    unsigned long e = 0;
    while ((e = ERR_get_error()) != 0) {
        std::array<char, 256> buf{};
        ERR_error_string_n(e, buf.data(), buf.size());
        if (!out.empty()) {
            out += "; ";
        }
        out += buf.data();
    }
    return out;
}

BioPtr memoryBio(std::string_view data) {
    return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string bioContents(BIO* bio) {
    char* p = nullptr;
    const long n = BIO_get_mem_data(bio, &p);
    return n > 0 && p != nullptr ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}

namespace {
std::string ecGroupName(EVP_PKEY* key) {
    std::array<char, 80> name{};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name.data(), name.size(), &len) !=
        1) {
        return {};
    }
    return {name.data(), len};
}

const EVP_MD* ecDigestFor(EVP_PKEY* key) {
    const std::string group = ecGroupName(key);
    if (group == "prime256v1" || group == "P-256") {
        return EVP_sha256();
    }
    if (group == "secp384r1" || group == "P-384") {
        return EVP_sha384();
    }
    if (group == "secp521r1" || group == "P-521") {
        return EVP_sha512();
    }
    return nullptr;
}
} // namespace

std::string describeKey(EVP_PKEY* key) {
    if (key == nullptr) {
        return "no key";
    }
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC: {
        const std::string group = ecGroupName(key);
        if (group == "prime256v1") {
            return "ECDSA P-256";
        }
        if (group == "secp384r1") {
            return "ECDSA P-384";
        }
        if (group == "secp521r1") {
            return "ECDSA P-521";
        }
        return "EC " + (group.empty() ? std::string("(unknown curve)") : group);
    }
    case EVP_PKEY_ED25519:
        return "Ed25519";
    case EVP_PKEY_ED448:
        return "Ed448";
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
        return "RSA " + std::to_string(EVP_PKEY_get_bits(key));
    case EVP_PKEY_DSA:
        return "DSA " + std::to_string(EVP_PKEY_get_bits(key));
    default:
        return std::string(OBJ_nid2sn(EVP_PKEY_get_base_id(key))) + " " +
               std::to_string(EVP_PKEY_get_bits(key));
    }
}

bool isAcceptableKey(EVP_PKEY* key) {
    if (key == nullptr) {
        return false;
    }
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC:
        return ecDigestFor(key) != nullptr;
    case EVP_PKEY_ED25519:
        return true;
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
        return EVP_PKEY_get_bits(key) >= 2048;
    default:
        return false;
    }
}

bool hasWeakSignatureAlgorithm(X509* cert, std::string& name) {
    const int sigNid = X509_get_signature_nid(cert);
    name = sigNid != NID_undef ? OBJ_nid2ln(sigNid) : "unknown";
    int mdNid = NID_undef;
    int pkNid = NID_undef;
    int secBits = -1;
    uint32_t flags = 0;
    if (X509_get_signature_info(cert, &mdNid, &pkNid, &secBits, &flags) != 1) {
        return true; // an algorithm OpenSSL cannot even describe is not one we rely on
    }
    switch (mdNid) {
    case NID_md2:
    case NID_md4:
    case NID_md5:
    case NID_mdc2:
    case NID_sha1:
    case NID_md5_sha1:
        return true;
    default:
        break;
    }
    return secBits >= 0 && secBits < 112;
}

std::string pae(std::string_view payloadType, std::string_view payload) {
    std::string out = "DSSEv1 ";
    out += std::to_string(payloadType.size());
    out += ' ';
    out += payloadType;
    out += ' ';
    out += std::to_string(payload.size());
    out += ' ';
    out += payload;
    return out;
}

namespace {
int digestVerify(EVP_PKEY* key, const EVP_MD* md, std::string_view message, std::string_view signature,
                 int rsaPadding) {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, key) != 1) {
        return -1;
    }
    if (rsaPadding != 0) {
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, rsaPadding) != 1) {
            return -1;
        }
        if (rsaPadding == RSA_PKCS1_PSS_PADDING &&
            (EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1 ||
             EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1)) {
            return -1;
        }
    }
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                            message.size());
}
} // namespace

SignatureCheck verifySignature(EVP_PKEY* key, std::string_view message, std::string_view signature) {
    if (key == nullptr) {
        return SignatureCheck::UnsupportedKey;
    }
    int rc = 0;
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC: {
        const EVP_MD* md = ecDigestFor(key);
        if (md == nullptr) {
            return SignatureCheck::UnsupportedKey;
        }
        rc = digestVerify(key, md, message, signature, 0);
        break;
    }
    case EVP_PKEY_ED25519:
        rc = digestVerify(key, nullptr, message, signature, 0);
        break;
    case EVP_PKEY_RSA:
        rc = digestVerify(key, EVP_sha256(), message, signature, RSA_PKCS1_PADDING);
        if (rc != 1) {
            ERR_clear_error();
            rc = digestVerify(key, EVP_sha256(), message, signature, RSA_PKCS1_PSS_PADDING);
        }
        break;
    case EVP_PKEY_RSA_PSS:
        rc = digestVerify(key, EVP_sha256(), message, signature, 0);
        break;
    default:
        return SignatureCheck::UnsupportedKey;
    }
    ERR_clear_error();
    return rc == 1 ? SignatureCheck::Valid : SignatureCheck::Invalid;
}

Expected<std::string, Error> signMessage(EVP_PKEY* key, std::string_view message) {
    const EVP_MD* md = nullptr;
    int padding = 0;
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC:
        md = ecDigestFor(key);
        if (md == nullptr) {
            return Unexpected{Error{ErrorCode::Unsupported, "the EC key is not on P-256, P-384 or P-521"}};
        }
        break;
    case EVP_PKEY_ED25519:
        break;
    case EVP_PKEY_RSA:
        md = EVP_sha256();
        padding = RSA_PKCS1_PSS_PADDING;
        break;
    default:
        return Unexpected{
            Error{ErrorCode::Unsupported, "keys of type " + describeKey(key) + " cannot sign here"}};
    }
    MdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, key) != 1) {
        return Unexpected{Error{ErrorCode::Crypto, "signing could not start: " + openSslErrors()}};
    }
    if (padding != 0 && (EVP_PKEY_CTX_set_rsa_padding(pctx, padding) != 1 ||
                         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
                         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1)) {
        return Unexpected{Error{ErrorCode::Crypto, "RSA-PSS could not be set up: " + openSslErrors()}};
    }
    std::size_t len = 0;
    const auto* msg = reinterpret_cast<const unsigned char*>(message.data());
    if (EVP_DigestSign(ctx.get(), nullptr, &len, msg, message.size()) != 1) {
        return Unexpected{Error{ErrorCode::Crypto, "signing failed: " + openSslErrors()}};
    }
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, msg, message.size()) !=
        1) {
        return Unexpected{Error{ErrorCode::Crypto, "signing failed: " + openSslErrors()}};
    }
    sig.resize(len);
    return sig;
}

std::optional<TimePoint> asn1ToTime(const ASN1_TIME* t) {
    if (t == nullptr) {
        return std::nullopt;
    }
    std::tm tm{};
    if (ASN1_TIME_to_tm(t, &tm) != 1) {
        return std::nullopt;
    }
    std::array<char, 96> buf{};
    if (std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec) < 0) {
        return std::nullopt;
    }
    return parseRfc3339(buf.data());
}

} // namespace veridicor::verify::detail
