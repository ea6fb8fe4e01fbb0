#pragma once
// TEST ONLY. RFC 3161 tokens that no honest TSA would make, built by hand the way OpenSSL's responder
// (crypto/ts/ts_rsp_sign.c) builds its own: a CMS SignedData (version 3) whose eContentType is
// id-smime-ct-TSTInfo, signed attributes contentType, ESS signingCertificateV2 (SHA-256 cert hash), then
// signingTime and messageDigest (added by PKCS7_dataFinal), over a DER TSTInfo. Unlike
// veridicor::verify::makeTimestampToken() (TS_RESP_CTX), nothing here checks the signer: a certificate
// without the timeStamping EKU, a SHA-1 imprint or the wrong imprint all go through, so that the verifier's
// refusal of each can be tested. A forged token from a proper TSA certificate verifies (tst_timestamp checks
// this with our verifier and with `openssl ts -verify`), so a refusal is about the one thing that was
// changed.
//
// Needs OpenSSL::Crypto on the test's link line.

#include <veridicor/verify/keys.h>
#include <veridicor/verify/pki.h>
#include <veridicor/verify/time.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace veridicor::test {

struct ForgedTimestamp {
    verify::Certificate signer; ///< need not be allowed to sign timestamps
    verify::PrivateKey key;
    std::vector<verify::Certificate> extraCerts; ///< after the signer in the token's certificates
    std::string imprintOver;                     ///< the bytes the imprint is a digest of
    const EVP_MD* imprintDigest = EVP_sha256();
    const EVP_MD* signerDigest = EVP_sha256();
    verify::TimePoint genTime{};
    std::uint64_t serial = 1;
    long version = 1;
    bool includeSignerCert = true;
    bool signingCertificateV2 = true; ///< false: no ESS attribute at all (OpenSSL then refuses the token)
};

/// "YYYYMMDDHHMMSS[.ffffff]Z", trailing zeros of the fraction dropped (DER).
inline std::string generalizedTime(verify::TimePoint t) {
    const std::string rfc = verify::formatRfc3339(t); // 2026-11-28T10:15:00[.ffffff]Z
    std::string out;
    for (char c : rfc.substr(0, 19)) {
        if (c >= '0' && c <= '9') {
            out.push_back(c);
        }
    }
    if (rfc.size() > 20) {
        std::string fraction = rfc.substr(19, rfc.size() - 20); // ".ffffff"
        while (!fraction.empty() && fraction.back() == '0') {
            fraction.pop_back();
        }
        if (fraction.size() > 1) {
            out += fraction;
        }
    }
    return out + "Z";
}

/// The DER TimeStampToken, or "" when OpenSSL refused a step (the test then fails on an empty token).
inline std::string forgeTimestampToken(const ForgedTimestamp& f) {
    std::string der;
    TS_TST_INFO* tst = TS_TST_INFO_new();
    TS_MSG_IMPRINT* imprint = TS_MSG_IMPRINT_new();
    X509_ALGOR* algorithm = X509_ALGOR_new();
    ASN1_OBJECT* policy = OBJ_txt2obj(verify::kDemoTsaPolicyOid, 1);
    ASN1_INTEGER* serial = ASN1_INTEGER_new();
    ASN1_GENERALIZEDTIME* genTime = ASN1_GENERALIZEDTIME_new();
    PKCS7* p7 = PKCS7_new();
    ESS_SIGNING_CERT_V2* essCert = nullptr;
    unsigned char* essDer = nullptr;
    BIO* bio = nullptr;
    do {
        if (tst == nullptr || imprint == nullptr || algorithm == nullptr || policy == nullptr ||
            serial == nullptr || genTime == nullptr || p7 == nullptr) {
            break;
        }
        // TSTInfo: version, policy, messageImprint, serialNumber, genTime.
        std::array<unsigned char, EVP_MAX_MD_SIZE> hash{};
        unsigned int hashLength = 0;
        X509_ALGOR_set_md(algorithm, f.imprintDigest);
        if (EVP_Digest(f.imprintOver.data(), f.imprintOver.size(), hash.data(), &hashLength, f.imprintDigest,
                       nullptr) != 1 ||
            TS_MSG_IMPRINT_set_algo(imprint, algorithm) != 1 ||
            TS_MSG_IMPRINT_set_msg(imprint, hash.data(), static_cast<int>(hashLength)) != 1 ||
            TS_TST_INFO_set_version(tst, f.version) != 1 || TS_TST_INFO_set_policy_id(tst, policy) != 1 ||
            TS_TST_INFO_set_msg_imprint(tst, imprint) != 1 ||
            ASN1_INTEGER_set_uint64(serial, f.serial) != 1 || TS_TST_INFO_set_serial(tst, serial) != 1 ||
            ASN1_GENERALIZEDTIME_set_string(genTime, generalizedTime(f.genTime).c_str()) != 1 ||
            TS_TST_INFO_set_time(tst, genTime) != 1) {
            break;
        }
        // SignedData, version 3 (RFC 5652: the eContentType is not id-data), as ts_RESP_sign() does.
        if (PKCS7_set_type(p7, NID_pkcs7_signed) != 1 || ASN1_INTEGER_set(p7->d.sign->version, 3) != 1) {
            break;
        }
        bool ok = true;
        if (f.includeSignerCert) {
            ok = PKCS7_add_certificate(p7, f.signer.native()) == 1;
        }
        for (const auto& c : f.extraCerts) {
            ok = ok && PKCS7_add_certificate(p7, c.native()) == 1;
        }
        PKCS7_SIGNER_INFO* si =
            ok ? PKCS7_add_signature(p7, f.signer.native(), f.key.native(), f.signerDigest) : nullptr;
        if (si == nullptr || PKCS7_add_signed_attribute(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
                                                        OBJ_nid2obj(NID_id_smime_ct_TSTInfo)) != 1) {
            break;
        }
        if (f.signingCertificateV2) {
            essCert = OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), f.signer.native(), nullptr, 0);
            const int essLength = essCert != nullptr ? i2d_ESS_SIGNING_CERT_V2(essCert, &essDer) : -1;
            ASN1_STRING* seq = essLength > 0 ? ASN1_STRING_new() : nullptr;
            if (seq == nullptr || ASN1_STRING_set(seq, essDer, essLength) != 1 ||
                PKCS7_add_signed_attribute(si, NID_id_smime_aa_signingCertificateV2, V_ASN1_SEQUENCE, seq) !=
                    1) {
                ASN1_STRING_free(seq);
                break;
            }
        }
        // The encapsulated content: an id-smime-ct-TSTInfo "other" type holding an OCTET STRING that
        // PKCS7_dataFinal fills with what is written to the data BIO.
        PKCS7* content = PKCS7_new();
        ASN1_OCTET_STRING* octets = ASN1_OCTET_STRING_new();
        if (content == nullptr || octets == nullptr || (content->d.other = ASN1_TYPE_new()) == nullptr) {
            PKCS7_free(content);
            ASN1_OCTET_STRING_free(octets);
            break;
        }
        content->type = OBJ_nid2obj(NID_id_smime_ct_TSTInfo);
        ASN1_TYPE_set(content->d.other, V_ASN1_OCTET_STRING, octets);
        if (PKCS7_set_content(p7, content) != 1) {
            PKCS7_free(content);
            break;
        }
        bio = PKCS7_dataInit(p7, nullptr);
        if (bio == nullptr || i2d_TS_TST_INFO_bio(bio, tst) != 1 || PKCS7_dataFinal(p7, bio) != 1) {
            break;
        }
        const int length = i2d_PKCS7(p7, nullptr);
        if (length <= 0) {
            break;
        }
        der.resize(static_cast<std::size_t>(length));
        auto* out = reinterpret_cast<unsigned char*>(der.data());
        i2d_PKCS7(p7, &out);
    } while (false);
    BIO_free_all(bio);
    OPENSSL_free(essDer);
    ESS_SIGNING_CERT_V2_free(essCert);
    PKCS7_free(p7);
    ASN1_GENERALIZEDTIME_free(genTime);
    ASN1_INTEGER_free(serial);
    ASN1_OBJECT_free(policy);
    X509_ALGOR_free(algorithm);
    TS_MSG_IMPRINT_free(imprint);
    TS_TST_INFO_free(tst);
    ERR_clear_error();
    return der;
}

/// A proper token (OpenSSL's responder, a proper TSA) whose imprint is over `otherBytes` instead of the
/// signature it will be presented with.
inline std::string timestampOverOtherBytes(const verify::Certificate& tsaCert,
                                           const verify::PrivateKey& tsaKey, std::string_view otherBytes,
                                           verify::TimePoint genTime) {
    auto token = verify::makeTimestampToken(tsaCert, tsaKey, {}, otherBytes, genTime, 7);
    return token ? *token : std::string();
}

} // namespace veridicor::test
