#include "timestamp.h"

#include "crypto.h"
#include "safe_text.h"

#include <veridicor/verify/encoding.h>

#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <cstring>
#include <memory>

namespace veridicor::verify::detail {

namespace {

struct Pkcs7Free {
    void operator()(PKCS7* p) const { PKCS7_free(p); }
};
struct TstInfoFree {
    void operator()(TS_TST_INFO* p) const { TS_TST_INFO_free(p); }
};
struct VerifyCtxFree {
    void operator()(TS_VERIFY_CTX* p) const { TS_VERIFY_CTX_free(p); }
};
struct X509StackFree { // a stack that holds a reference to each certificate
    void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
struct X509StackViewFree { // a stack that borrows its certificates (PKCS7_get0_signers)
    void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};
using Pkcs7Ptr = std::unique_ptr<PKCS7, Pkcs7Free>;
using TstInfoPtr = std::unique_ptr<TS_TST_INFO, TstInfoFree>;
using VerifyCtxPtr = std::unique_ptr<TS_VERIFY_CTX, VerifyCtxFree>;
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackFree>;
using X509StackViewPtr = std::unique_ptr<STACK_OF(X509), X509StackViewFree>;

/// Whatever path a verification takes, it leaves no OpenSSL error behind for an unrelated later call to
/// misread as its own.
struct ErrorQueueGuard {
    ErrorQueueGuard() = default;
    ErrorQueueGuard(const ErrorQueueGuard&) = delete;
    ErrorQueueGuard& operator=(const ErrorQueueGuard&) = delete;
    ErrorQueueGuard(ErrorQueueGuard&&) = delete;
    ErrorQueueGuard& operator=(ErrorQueueGuard&&) = delete;
    ~ErrorQueueGuard() { ERR_clear_error(); }
};

// A TSA's clock and ours may differ a little; more than this and the token claims a time that had not come.
constexpr auto kClockSkew = std::chrono::minutes(5);

TimestampVerification failed(std::string detail, std::string tsaCertSha256 = {}) {
    TimestampVerification v;
    v.ok = false;
    v.detail = std::move(detail);
    v.tsaCertSha256 = std::move(tsaCertSha256);
    return v;
}

std::string fingerprint(X509* cert) {
    return Certificate::fromNative(cert).info().sha256Fingerprint;
}

/// The name OpenSSL gives a digest algorithm ("SHA1", "SHA512"), never text of the token.
std::string digestName(const ASN1_OBJECT* algorithm) {
    const int nid = OBJ_obj2nid(algorithm);
    return nid != NID_undef ? std::string(OBJ_nid2sn(nid))
                            : std::string("an algorithm OpenSSL does not know");
}

bool isStrongDigest(int nid) {
    return nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512;
}

/// The TSTInfo inside a SignedData, read the way PKCS7_to_TS_TST_INFO does, but refusing bytes after it too.
TstInfoPtr tstInfoOf(PKCS7* token, std::string& problem) {
    if (PKCS7_type_is_signed(token) == 0 || token->d.sign == nullptr || token->d.sign->contents == nullptr) {
        problem = "the timestamp is damaged: it is not a signed RFC 3161 token";
        return nullptr;
    }
    PKCS7* content = token->d.sign->contents;
    if (OBJ_obj2nid(content->type) != NID_id_smime_ct_TSTInfo) {
        problem = "the timestamp is damaged: it does not hold an RFC 3161 TSTInfo";
        return nullptr;
    }
    if (content->d.other == nullptr || content->d.other->type != V_ASN1_OCTET_STRING ||
        content->d.other->value.octet_string == nullptr) {
        problem = "the timestamp is damaged: its TSTInfo is missing (detached)";
        return nullptr;
    }
    const ASN1_OCTET_STRING* octets = content->d.other->value.octet_string;
    const unsigned char* p = ASN1_STRING_get0_data(octets);
    const long length = ASN1_STRING_length(octets);
    const unsigned char* end = p + length;
    TstInfoPtr tst(d2i_TS_TST_INFO(nullptr, &p, length));
    if (!tst || p != end) {
        problem = "the timestamp is damaged: its TSTInfo cannot be read";
        return nullptr;
    }
    return tst;
}

/// Plain words for a failed chain of the TSA certificate, by OpenSSL's verification error.
std::string chainProblem(int error, int depth, const std::string& fp, TimePoint at) {
    const std::string who = depth == 0 ? "the TSA certificate (SHA-256 " + fp + ")"
                                       : "a certificate of the TSA's chain (above the TSA certificate)";
    switch (error) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
        return "the timestamp was not made by a TSA of the trust store (tsa/*.pem): the TSA certificate "
               "(SHA-256 " +
               fp + ") does not lead to one of its certificates";
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return who + " had expired at the verification time (" + formatRfc3339(at) + ")";
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return who + " was not yet valid at the verification time (" + formatRfc3339(at) + ")";
    case X509_V_ERR_INVALID_PURPOSE:
        return depth == 0 ? "the TSA certificate may not sign timestamps (its key usage allows other uses)"
                          : who + " may not issue certificates for a TSA";
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
        return who + " has a signature that does not verify";
    default:
        // OpenSSL's own fixed sentence for the error, never text of the certificate.
        return "the TSA certificate chain does not verify: " +
               std::string(X509_verify_cert_error_string(error));
    }
}

/// Why OpenSSL's TS_RESP_verify_token refused a token whose structure, chain and imprint we had checked.
std::string tokenProblem() {
    bool ess = false;
    unsigned long e = 0;
    while ((e = ERR_get_error()) != 0) {
        // OpenSSL 3 reports a missing or mismatched attribute from its ESS code, older ones from TS.
        ess = ess || ERR_GET_LIB(e) == ERR_LIB_ESS ||
              (ERR_GET_LIB(e) == ERR_LIB_TS && ERR_GET_REASON(e) == TS_R_ESS_SIGNING_CERTIFICATE_ERROR);
    }
    return ess ? "the timestamp does not verify: its signing-certificate attribute (ESS) is missing or does "
                 "not "
                 "name the TSA certificate"
               : "the timestamp's signature does not verify";
}

bool allDigits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

} // namespace

std::optional<TimePoint> parseGeneralizedTime(std::string_view s) {
    // DER (X.690 §11.7): YYYYMMDDHHMMSS, then optionally "." and the fraction, then "Z".
    if (s.size() < 15 || s.back() != 'Z' || !allDigits(s.substr(0, 14))) {
        return std::nullopt;
    }
    std::string_view fraction = s.substr(14, s.size() - 15);
    if (!fraction.empty() && (fraction.front() != '.' || !allDigits(fraction.substr(1)))) {
        return std::nullopt;
    }
    std::string rfc3339;
    rfc3339.reserve(32);
    rfc3339.append(s.substr(0, 4)).append("-").append(s.substr(4, 2)).append("-").append(s.substr(6, 2));
    rfc3339.append("T").append(s.substr(8, 2)).append(":").append(s.substr(10, 2)).append(":");
    rfc3339.append(s.substr(12, 2)).append(fraction).append("Z");
    return parseRfc3339(rfc3339); // checks the calendar (month 13, 30 February, …)
}

TimestampVerification verifyTimestampToken(std::string_view tokenDer, std::string_view signatureBytes,
                                           const std::vector<Certificate>& tsaAnchors, TimePoint at) {
    const ErrorQueueGuard guard;
    if (tsaAnchors.empty()) {
        return failed("the trust store has no TSA certificates (tsa/*.pem)");
    }
    // Refused before parsing: the bound is what keeps a hostile bundle from making the ASN.1 reader work.
    if (tokenDer.size() > kMaxTimestampTokenBytes) {
        return failed("the timestamp is larger than 64 KiB");
    }
    if (tokenDer.empty()) {
        return failed("the timestamp is empty");
    }

    // ---- structure
    const auto* p = reinterpret_cast<const unsigned char*>(tokenDer.data());
    const auto* end = p + tokenDer.size();
    Pkcs7Ptr token(d2i_PKCS7(nullptr, &p, static_cast<long>(tokenDer.size())));
    if (!token) {
        return failed("the timestamp is damaged: it is not a DER RFC 3161 TimeStampToken");
    }
    if (p != end) {
        // Bytes that no signature covers must not ride along (two different tokens would carry one trust).
        return failed("the timestamp is damaged: bytes follow its DER encoding");
    }
    std::string problem;
    TstInfoPtr tst = tstInfoOf(token.get(), problem);
    if (!tst) {
        return failed(problem);
    }
    if (TS_TST_INFO_get_version(tst.get()) != 1) {
        return failed("the timestamp is not a version 1 TSTInfo (RFC 3161)");
    }
    STACK_OF(PKCS7_SIGNER_INFO)* signerInfos = PKCS7_get_signer_info(token.get());
    if (signerInfos == nullptr || sk_PKCS7_SIGNER_INFO_num(signerInfos) != 1) {
        return failed("the timestamp must have exactly one signer");
    }
    PKCS7_SIGNER_INFO* si = sk_PKCS7_SIGNER_INFO_value(signerInfos, 0);

    // ---- the TSA certificate (from the token: the trust store holds the TSA's roots)
    X509StackViewPtr signers(PKCS7_get0_signers(token.get(), nullptr, 0));
    if (!signers || sk_X509_num(signers.get()) != 1) {
        return failed("the timestamp does not include its TSA certificate");
    }
    X509* signer = sk_X509_value(signers.get(), 0);
    const std::string fp = fingerprint(signer);

    // The EKU is checked here, before the chain, so that the detail can say what is wrong with the
    // certificate; OpenSSL's timestamp-signing purpose below checks it again, together with the key usage.
    const std::uint32_t extFlags = X509_get_extension_flags(signer);
    const std::uint32_t eku = X509_get_extended_key_usage(signer);
    if ((extFlags & EXFLAG_XKUSAGE) == 0 || (eku & XKU_TIMESTAMP) == 0) {
        return failed("the TSA certificate may not sign timestamps (no timeStamping extended key usage)", fp);
    }
    const int ekuIndex = X509_get_ext_by_NID(signer, NID_ext_key_usage, -1);
    const bool ekuCritical =
        ekuIndex >= 0 && X509_EXTENSION_get_critical(X509_get_ext(signer, ekuIndex)) == 1;
    if (eku != XKU_TIMESTAMP || !ekuCritical) {
        return failed(
            "the TSA certificate may not sign timestamps (its extended key usage must be timeStamping "
            "alone, marked critical: RFC 3161 section 2.3)",
            fp);
    }
    X509_ALGOR* signerDigest = nullptr;
    PKCS7_SIGNER_INFO_get0_algs(si, nullptr, &signerDigest, nullptr);
    if (signerDigest == nullptr || !isStrongDigest(OBJ_obj2nid(signerDigest->algorithm))) {
        return failed(
            "the timestamp is signed with a digest we do not accept (" +
                (signerDigest != nullptr ? digestName(signerDigest->algorithm) : std::string("none")) +
                "; SHA-256, SHA-384 or SHA-512 are)",
            fp);
    }

    // ---- the chain, to the TSA anchors only, at `at`
    TimePoint stableFrom = TimePoint::min();
    TimePoint stableTo = TimePoint::max();
    X509StorePtr store(X509_STORE_new());
    if (!store) {
        return failed("the timestamp could not be checked (out of memory)", fp);
    }
    for (const Certificate& anchor : tsaAnchors) {
        if (anchor.native() != nullptr) {
            X509_STORE_add_cert(store.get(), anchor.native()); // a repeated anchor is harmless
        }
    }
    ERR_clear_error();
    X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store.get()), static_cast<time_t>(toUnixSeconds(at)));
    STACK_OF(X509)* embedded = token->d.sign->cert; // may be null: then only the signer and the anchors
    {
        X509StoreCtxPtr ctx(X509_STORE_CTX_new());
        if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), signer, embedded) != 1) {
            return failed("the timestamp could not be checked (out of memory)", fp);
        }
        X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_TIMESTAMP_SIGN);
        if (X509_verify_cert(ctx.get()) != 1) {
            return failed(chainProblem(X509_STORE_CTX_get_error(ctx.get()),
                                       X509_STORE_CTX_get_error_depth(ctx.get()), fp, at),
                          fp);
        }
        // The key rules of finding chains hold for the TSA's chain too: acceptable keys everywhere, no broken
        // signature digest below the anchor (OpenSSL's default security level still accepts SHA-1).
        STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
        const int n = chain != nullptr ? sk_X509_num(chain) : 0;
        for (int i = 0; i < n; ++i) {
            X509* c = sk_X509_value(chain, i);
            if (auto from = asn1ToTime(X509_get0_notBefore(c))) {
                stableFrom = std::max(stableFrom, *from);
            }
            if (auto to = asn1ToTime(X509_get0_notAfter(c))) {
                stableTo = std::min(stableTo, *to);
            }
            const std::string who = i == 0 ? "the TSA certificate" : "a certificate of the TSA's chain";
            if (!isAcceptableKey(X509_get0_pubkey(c))) {
                return failed(who + " has a key that is too weak (" + describeKey(X509_get0_pubkey(c)) + ")",
                              fp);
            }
            std::string algorithmName;
            if (i < n - 1 && hasWeakSignatureAlgorithm(c, algorithmName)) {
                std::string detail = who;
                detail += " is signed with a broken algorithm (";
                detail += algorithmName;
                detail += ')';
                return failed(std::move(detail), fp);
            }
        }
    }

    // ---- the message imprint: SHA-256 over the DSSE signature. OpenSSL compares only the bytes when it is
    // given an imprint without an algorithm, so the algorithm is checked here.
    TS_MSG_IMPRINT* imprint = TS_TST_INFO_get_msg_imprint(tst.get());
    X509_ALGOR* imprintAlgorithm = imprint != nullptr ? TS_MSG_IMPRINT_get_algo(imprint) : nullptr;
    const ASN1_OCTET_STRING* imprintValue = imprint != nullptr ? TS_MSG_IMPRINT_get_msg(imprint) : nullptr;
    if (imprintAlgorithm == nullptr || imprintValue == nullptr) {
        return failed("the timestamp is damaged: it has no message imprint", fp);
    }
    const ASN1_OBJECT* algorithm = nullptr;
    int parameterType = V_ASN1_UNDEF;
    X509_ALGOR_get0(&algorithm, &parameterType, nullptr, imprintAlgorithm);
    if (OBJ_obj2nid(algorithm) != NID_sha256) {
        return failed("the timestamp's message imprint is not SHA-256 (it is " + digestName(algorithm) + ")",
                      fp);
    }
    if (parameterType != V_ASN1_UNDEF && parameterType != V_ASN1_NULL) {
        return failed("the timestamp is damaged: its SHA-256 imprint has parameters", fp);
    }
    const Sha256Digest expected = sha256(signatureBytes);
    if (ASN1_STRING_length(imprintValue) != static_cast<int>(expected.size()) ||
        std::memcmp(ASN1_STRING_get0_data(imprintValue), expected.data(), expected.size()) != 0) {
        return failed(
            "the timestamp is over other bytes than this bundle's signature (its message imprint does "
            "not match)",
            fp);
    }

    // ---- OpenSSL's own verification: version, chain (again, same store and purpose), the ESS
    // signing-certificate attribute, the signature over the signed attributes and the TSTInfo, and the
    // imprint.
    VerifyCtxPtr vctx(TS_VERIFY_CTX_new());
    auto* imprintCopy = static_cast<unsigned char*>(OPENSSL_malloc(expected.size()));
    if (!vctx || imprintCopy == nullptr || X509_STORE_up_ref(store.get()) != 1) {
        OPENSSL_free(imprintCopy);
        return failed("the timestamp could not be checked (out of memory)", fp);
    }
    std::memcpy(imprintCopy, expected.data(), expected.size());
    TS_VERIFY_CTX_set_flags(vctx.get(), TS_VFY_VERSION | TS_VFY_SIGNATURE | TS_VFY_IMPRINT);
    TS_VERIFY_CTX_set_imprint(vctx.get(), imprintCopy, static_cast<long>(expected.size())); // takes it
    TS_VERIFY_CTX_set_store(vctx.get(), store.get()); // takes our extra ref
    if (embedded != nullptr) {
        TS_VERIFY_CTX_set_certs(vctx.get(), X509_chain_up_ref(embedded)); // takes the copy
    }
    ERR_clear_error();
    if (TS_RESP_verify_token(vctx.get(), token.get()) != 1) {
        return failed(tokenProblem(), fp);
    }

    // ---- the time
    const ASN1_GENERALIZEDTIME* gen = TS_TST_INFO_get_time(tst.get());
    const std::optional<TimePoint> genTime =
        gen != nullptr
            ? parseGeneralizedTime(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gen)),
                                                    static_cast<std::size_t>(ASN1_STRING_length(gen))))
            : std::nullopt;
    if (!genTime) {
        return failed("the timestamp's time cannot be read (it must be a GeneralizedTime in UTC)", fp);
    }
    const CertificateInfo tsa = Certificate::fromNative(signer).info();
    // A TSA vouches for times while its certificate is valid; a time outside that is not its word.
    if (*genTime < tsa.notBefore || *genTime >= tsa.notAfter + std::chrono::seconds(1)) {
        return failed("the timestamp's time (" + formatRfc3339(*genTime) +
                          ") lies outside the validity of the TSA certificate",
                      fp);
    }
    if (*genTime > at + kClockSkew) {
        return failed("the timestamp's time (" + formatRfc3339(*genTime) +
                          ") is after the verification time (" + formatRfc3339(at) + ")",
                      fp);
    }

    TimestampVerification v;
    v.ok = true;
    v.genTime = *genTime;
    v.stableFrom = std::max(stableFrom, *genTime - kClockSkew);
    v.stableTo = stableTo;
    v.tsaName = tsa.commonName;
    v.tsaCertSha256 = tsa.sha256Fingerprint;
    if (BIGNUM* bn = ASN1_INTEGER_to_BN(TS_TST_INFO_get_serial(tst.get()), nullptr); bn != nullptr) {
        if (char* hex = BN_bn2hex(bn); hex != nullptr) {
            v.serialHex = hex;
            OPENSSL_free(hex);
        }
        BN_free(bn);
    }
    v.detail = "the timestamp verifies: made at " + formatRfc3339(*genTime) + " by the TSA " +
               (tsa.commonName.empty() ? "certificate (SHA-256 " + tsa.sha256Fingerprint + ")"
                                       : quoteText(tsa.commonName));
    return v;
}

} // namespace veridicor::verify::detail
