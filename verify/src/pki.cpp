#include "crypto.h"

#include <veridicor/verify/encoding.h>
#include <veridicor/verify/json.h>
#include <veridicor/verify/oms.h>
#include <veridicor/verify/pki.h>
#include <veridicor/verify/signer.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <fstream>
#include <random>

#include <sys/stat.h>

namespace veridicor::verify {

using namespace detail;

namespace {

Unexpected<Error> crypto(const std::string& what) {
    return Unexpected{Error{ErrorCode::Crypto, what + ": " + openSslErrors()}};
}

bool addExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (ext == nullptr) {
        return false;
    }
    const bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

const EVP_MD* digestFor(const PrivateKey& key, const std::string& name) {
    if (EVP_PKEY_get_base_id(key.native()) == EVP_PKEY_ED25519) {
        return nullptr;
    }
    return EVP_get_digestbyname(name.c_str());
}

bool setTime(ASN1_TIME* field, TimePoint t) {
    return ASN1_TIME_set(field, static_cast<time_t>(toUnixSeconds(t))) != nullptr;
}

} // namespace

Expected<Certificate, Error> issueCertificate(const CertificateSpec& spec, const PrivateKey& subjectKey,
                                              const Certificate* issuer, const PrivateKey& issuerKey) {
    const EVP_MD* md = digestFor(issuerKey, spec.digest);
    if (md == nullptr && EVP_PKEY_get_base_id(issuerKey.native()) != EVP_PKEY_ED25519) {
        return Unexpected{Error{ErrorCode::Invalid, "unknown digest '" + spec.digest + "'"}};
    }
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), 2) != 1) {
        return crypto("X509_new");
    }
    std::uint64_t serial = spec.serial;
    if (serial == 0) {
        RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial);
        serial = (serial >> 1U) | 1U; // positive, non-zero
    }
    ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()), serial);
    X509_NAME* name = X509_get_subject_name(cert.get());
    if (!spec.organization.empty()) {
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(spec.organization.c_str()), -1, -1,
                                   0);
    }
    for (const auto& [field, value] : spec.extraSubject) {
        if (X509_NAME_add_entry_by_txt(name, field.c_str(), MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                       0) != 1) {
            return crypto("subject field '" + field + "'");
        }
    }
    if (!spec.commonName.empty()) {
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(spec.commonName.c_str()), -1, -1,
                                   0);
    }
    X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer->native()) : name);
    if (!setTime(X509_getm_notBefore(cert.get()), spec.notBefore) ||
        !setTime(X509_getm_notAfter(cert.get()), spec.notAfter)) {
        return crypto("validity");
    }
    X509_set_pubkey(cert.get(), subjectKey.native());
    X509* issuerCert = issuer != nullptr ? issuer->native() : cert.get();
    bool ok = true;
    if (spec.ca) {
        ok = ok &&
             addExtension(cert.get(), issuerCert, NID_basic_constraints,
                          spec.pathLength >= 0 ? "critical,CA:TRUE,pathlen:" + std::to_string(spec.pathLength)
                                               : std::string("critical,CA:TRUE"));
        // A CA signs certificates and CRLs, nothing else: it is never a signer of findings or models.
        ok = ok && addExtension(cert.get(), issuerCert, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        ok = ok && addExtension(cert.get(), issuerCert, NID_basic_constraints, "critical,CA:FALSE");
        ok = ok &&
             addExtension(cert.get(), issuerCert, NID_key_usage,
                          spec.digitalSignature ? "critical,digitalSignature" : "critical,keyEncipherment");
    }
    ok = ok && addExtension(cert.get(), issuerCert, NID_subject_key_identifier, "hash");
    if (issuer != nullptr) {
        ok = ok && addExtension(cert.get(), issuerCert, NID_authority_key_identifier, "keyid:always");
    }
    std::string san;
    for (const auto& d : spec.dnsNames) {
        san += (san.empty() ? "" : ",") + ("DNS:" + d);
    }
    for (const auto& u : spec.uris) {
        san += (san.empty() ? "" : ",") + ("URI:" + u);
    }
    for (const auto& e : spec.emails) {
        san += (san.empty() ? "" : ",") + ("email:" + e);
    }
    if (!san.empty()) {
        ok = ok && addExtension(cert.get(), issuerCert, NID_subject_alt_name, san);
    }
    if (!spec.extendedKeyUsage.empty()) {
        std::string eku = spec.extendedKeyUsageCritical ? "critical" : "";
        for (const auto& u : spec.extendedKeyUsage) {
            eku += (eku.empty() ? "" : ",") + u;
        }
        ok = ok && addExtension(cert.get(), issuerCert, NID_ext_key_usage, eku);
    }
    if (spec.ca && !spec.nameConstraints.empty()) {
        std::string nc = "critical";
        for (const auto& c : spec.nameConstraints) {
            nc += "," + c;
        }
        ok = ok && addExtension(cert.get(), issuerCert, NID_name_constraints, nc);
    }
    if (!ok) {
        return crypto("certificate extensions");
    }
    if (X509_sign(cert.get(), issuerKey.native(), md) <= 0) {
        return crypto("signing the certificate");
    }
    return Certificate::fromNative(cert.get());
}

Expected<std::string, Error> makeCrlPem(const Certificate& issuer, const PrivateKey& issuerKey,
                                        const std::vector<Revocation>& revoked, TimePoint thisUpdate,
                                        TimePoint nextUpdate) {
    X509CrlPtr crl(X509_CRL_new());
    if (!crl || X509_CRL_set_version(crl.get(), 1) != 1 ||
        X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer.native())) != 1) {
        return crypto("X509_CRL_new");
    }
    ASN1_TIME* last = ASN1_TIME_new();
    ASN1_TIME* next = ASN1_TIME_new();
    setTime(last, thisUpdate);
    setTime(next, nextUpdate);
    X509_CRL_set1_lastUpdate(crl.get(), last);
    X509_CRL_set1_nextUpdate(crl.get(), next);
    ASN1_TIME_free(last);
    ASN1_TIME_free(next);
    for (const auto& r : revoked) {
        X509_REVOKED* entry = X509_REVOKED_new();
        ASN1_TIME* when = ASN1_TIME_new();
        setTime(when, r.revokedAt);
        X509_REVOKED_set_serialNumber(entry, X509_get_serialNumber(r.certificate.native()));
        X509_REVOKED_set_revocationDate(entry, when);
        ASN1_TIME_free(when);
        if (r.reason >= 0) {
            ASN1_ENUMERATED* code = ASN1_ENUMERATED_new();
            ASN1_ENUMERATED_set(code, r.reason);
            X509_REVOKED_add1_ext_i2d(entry, NID_crl_reason, code, 0, 0);
            ASN1_ENUMERATED_free(code);
        }
        X509_CRL_add0_revoked(crl.get(), entry);
    }
    X509_CRL_sort(crl.get());
    {
        // The authority key identifier names the key that signs the list (as real CAs write it).
        X509V3_CTX ctx;
        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, issuer.native(), nullptr, nullptr, crl.get(), 0);
        if (X509_EXTENSION* akid =
                X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always")) {
            X509_CRL_add_ext(crl.get(), akid, -1);
            X509_EXTENSION_free(akid);
        }
        ERR_clear_error();
    }
    if (X509_CRL_sign(crl.get(), issuerKey.native(), digestFor(issuerKey, "SHA256")) <= 0) {
        return crypto("signing the CRL");
    }
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509_CRL(bio.get(), crl.get());
    return bioContents(bio.get());
}

namespace {

struct TsReqFree {
    void operator()(TS_REQ* p) const { TS_REQ_free(p); }
};
struct TsMsgImprintFree {
    void operator()(TS_MSG_IMPRINT* p) const { TS_MSG_IMPRINT_free(p); }
};
struct TsRespCtxFree {
    void operator()(TS_RESP_CTX* p) const { TS_RESP_CTX_free(p); }
};
struct TsRespFree {
    void operator()(TS_RESP* p) const { TS_RESP_free(p); }
};
struct X509AlgorFree {
    void operator()(X509_ALGOR* p) const { X509_ALGOR_free(p); }
};
struct Asn1ObjectFree {
    void operator()(ASN1_OBJECT* p) const { ASN1_OBJECT_free(p); }
};

struct TokenClock {
    long seconds = 0;
    long micros = 0;
};

// TS_RESP_CTX asks these for the token's time and serial instead of reading the clock and a serial file, so
// that a test or the demo decides both.
int tokenTime(TS_RESP_CTX* /*ctx*/, void* data, long* sec, long* usec) {
    const auto* clock = static_cast<const TokenClock*>(data);
    *sec = clock->seconds;
    *usec = clock->micros;
    return 1;
}

ASN1_INTEGER* tokenSerial(TS_RESP_CTX* /*ctx*/, void* data) {
    ASN1_INTEGER* serial = ASN1_INTEGER_new();
    if (serial != nullptr && ASN1_INTEGER_set_uint64(serial, *static_cast<const std::uint64_t*>(data)) != 1) {
        ASN1_INTEGER_free(serial);
        return nullptr;
    }
    return serial;
}

} // namespace

Expected<std::string, Error> makeTimestampToken(const Certificate& tsaCert, const PrivateKey& tsaKey,
                                                const std::vector<Certificate>& extraCerts,
                                                std::string_view signatureBytes, TimePoint genTime,
                                                std::uint64_t serial) {
    if (tsaCert.isNull() || tsaKey.native() == nullptr || !tsaCert.matches(tsaKey)) {
        return Unexpected{Error{ErrorCode::Invalid, "the TSA key is not the key of the TSA certificate"}};
    }
    if (serial == 0) {
        RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial);
        serial = (serial >> 1U) | 1U; // positive, non-zero
    }

    // The request a client would send: SHA-256 imprint of the signature, asking for the TSA certificate.
    const Sha256Digest digest = sha256(signatureBytes);
    std::unique_ptr<TS_REQ, TsReqFree> request(TS_REQ_new());
    std::unique_ptr<TS_MSG_IMPRINT, TsMsgImprintFree> imprint(TS_MSG_IMPRINT_new());
    std::unique_ptr<X509_ALGOR, X509AlgorFree> algorithm(X509_ALGOR_new());
    if (!request || !imprint || !algorithm) {
        return crypto("TS_REQ_new");
    }
    X509_ALGOR_set_md(algorithm.get(), EVP_sha256());
    std::array<unsigned char, 32> hash{};
    std::copy(digest.begin(), digest.end(), hash.begin());
    if (TS_MSG_IMPRINT_set_algo(imprint.get(), algorithm.get()) != 1 ||
        TS_MSG_IMPRINT_set_msg(imprint.get(), hash.data(), static_cast<int>(hash.size())) != 1 ||
        TS_REQ_set_version(request.get(), 1) != 1 ||
        TS_REQ_set_msg_imprint(request.get(), imprint.get()) != 1 ||
        TS_REQ_set_cert_req(request.get(), 1) != 1) {
        return crypto("the timestamp request");
    }
    BioPtr requestBio(BIO_new(BIO_s_mem()));
    if (!requestBio || i2d_TS_REQ_bio(requestBio.get(), request.get()) != 1) {
        return crypto("encoding the timestamp request");
    }

    // The responder.
    std::unique_ptr<TS_RESP_CTX, TsRespCtxFree> ctx(TS_RESP_CTX_new());
    if (!ctx) {
        return crypto("TS_RESP_CTX_new");
    }
    if (TS_RESP_CTX_set_signer_cert(ctx.get(), tsaCert.native()) != 1) {
        ERR_clear_error();
        return Unexpected{Error{ErrorCode::Invalid,
                                "the TSA certificate may not sign timestamps (it needs the "
                                "extended key usage timeStamping, alone and critical)"}};
    }
    std::unique_ptr<ASN1_OBJECT, Asn1ObjectFree> policy(OBJ_txt2obj(kDemoTsaPolicyOid, 1));
    STACK_OF(X509)* certs = sk_X509_new_null();
    bool ok = policy && certs != nullptr;
    for (const Certificate& c : extraCerts) {
        ok = ok && sk_X509_push(certs, c.native()) > 0;
    }
    TokenClock clock;
    const auto whole = std::chrono::floor<std::chrono::seconds>(genTime);
    clock.seconds = static_cast<long>(toUnixSeconds(genTime));
    clock.micros = static_cast<long>((genTime - whole).count());
    ok = ok && TS_RESP_CTX_set_signer_key(ctx.get(), tsaKey.native()) == 1 &&
         TS_RESP_CTX_set_signer_digest(ctx.get(), EVP_sha256()) == 1 &&
         TS_RESP_CTX_set_ess_cert_id_digest(ctx.get(), EVP_sha256()) == 1 && // ESS signingCertificateV2
         TS_RESP_CTX_set_def_policy(ctx.get(), policy.get()) == 1 &&
         TS_RESP_CTX_set_certs(ctx.get(), certs) == 1 && // copies the stack, taking references
         TS_RESP_CTX_add_md(ctx.get(), EVP_sha256()) == 1 &&
         TS_RESP_CTX_set_clock_precision_digits(ctx.get(), 6) == 1;
    sk_X509_free(certs);
    if (!ok) {
        return crypto("setting up the timestamp responder");
    }
    TS_RESP_CTX_set_time_cb(ctx.get(), tokenTime, &clock);
    TS_RESP_CTX_set_serial_cb(ctx.get(), tokenSerial, &serial);

    std::unique_ptr<TS_RESP, TsRespFree> response(TS_RESP_create_response(ctx.get(), requestBio.get()));
    if (!response) {
        return crypto("creating the timestamp");
    }
    const ASN1_INTEGER* status = TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(response.get()));
    PKCS7* token = TS_RESP_get_token(response.get());
    if (status == nullptr || ASN1_INTEGER_get(status) != TS_STATUS_GRANTED || token == nullptr) {
        return crypto("the timestamp responder refused the request");
    }
    const int length = i2d_PKCS7(token, nullptr);
    if (length <= 0) {
        return crypto("encoding the timestamp");
    }
    std::string der(static_cast<std::size_t>(length), '\0');
    auto* out = reinterpret_cast<unsigned char*>(der.data());
    i2d_PKCS7(token, &out);
    ERR_clear_error();
    return der;
}

Expected<void, Error> writeTextFile(const std::filesystem::path& path, std::string_view text,
                                    bool privateKey) {
    std::error_code ec;
    if (path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec) {
            return Unexpected{
                Error{ErrorCode::Io, "cannot create '" + path.parent_path().string() + "': " + ec.message()}};
        }
    }
    const mode_t old = privateKey ? ::umask(077) : ::umask(022);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    ::umask(old);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
        return Unexpected{Error{ErrorCode::Io, "cannot write '" + path.string() + "'"}};
    }
    if (privateKey) {
        std::filesystem::permissions(path,
                                     std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                     std::filesystem::perm_options::replace, ec);
    }
    return {};
}

// ---- the demo PKI
// --------------------------------------------------------------------------------------------

namespace {

struct Party {
    PrivateKey key;
    Certificate cert;
};

Expected<Party, Error> makeParty(KeyType type, const CertificateSpec& spec, const Party* issuer) {
    auto key = PrivateKey::generate(type);
    if (!key) {
        return Unexpected{key.error()};
    }
    auto cert = issueCertificate(spec, *key, issuer != nullptr ? &issuer->cert : nullptr,
                                 issuer != nullptr ? issuer->key : *key);
    if (!cert) {
        return Unexpected{cert.error()};
    }
    return Party{std::move(*key), std::move(*cert)};
}

Expected<void, Error> writeSigner(const std::filesystem::path& dir, const std::string& name, const Party& p,
                                  const std::vector<Certificate>& rest) {
    std::vector<Certificate> chain{p.cert};
    chain.insert(chain.end(), rest.begin(), rest.end());
    if (auto r = writeTextFile(dir / (name + ".key.pem"), p.key.pkcs8Pem(), true); !r) {
        return r;
    }
    return writeTextFile(dir / (name + ".chain.pem"), certificatesToPem(chain));
}

/// Deterministic demo "weights" so that the demo models are the same every time (only keys change).
std::string demoBytes(std::size_t n, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::string out(n, '\0');
    for (auto& c : out) {
        c = static_cast<char>(rng() & 0xFFU);
    }
    return out;
}

} // namespace

Expected<DemoPki, Error> writeDemoPki(const std::filesystem::path& outDir, TimePoint now, KeyType caKeyType) {
    using std::chrono::days;
    const auto year = days(365);
    DemoPki out;
    out.trustStore = outDir / "trust";
    out.signers = outDir / "signers";
    out.models = outDir / "models";

    auto spec = [&](std::string cn, bool ca, TimePoint from, TimePoint to) {
        CertificateSpec s;
        s.commonName = std::move(cn);
        s.organization = "Veridicor Demo";
        s.ca = ca;
        s.notBefore = from;
        s.notAfter = to;
        return s;
    };
    auto root =
        makeParty(caKeyType, spec("Veridicor Demo Root CA", true, now - days(1), now + 20 * year), nullptr);
    if (!root) {
        return Unexpected{root.error()};
    }
    auto inter =
        makeParty(caKeyType, spec("Veridicor Demo Signing CA", true, now - days(1), now + 10 * year), &*root);
    if (!inter) {
        return Unexpected{inter.error()};
    }
    auto leafSpec = [&](const std::string& cn, TimePoint from, TimePoint to) {
        CertificateSpec s = spec(cn, false, from, to);
        s.organization = "Vendor A";
        if (cn.find(' ') == std::string::npos) {
            s.dnsNames.push_back(cn);
        }
        s.extendedKeyUsage = {"codeSigning"}; // what a version 2 policy requires of signers (R2.3)
        return s;
    };
    auto finding = makeParty(
        KeyType::EcP256, leafSpec("omi-inference.vendor-a.example", now - days(1), now + 2 * year), &*inter);
    auto findingEd =
        makeParty(KeyType::Ed25519,
                  leafSpec("omi-inference-ed.vendor-a.example", now - days(1), now + 2 * year), &*inter);
    auto modelSigner = makeParty(KeyType::EcP256,
                                 leafSpec("Vendor A Model Signing", now - days(1), now + 2 * year), &*inter);
    auto revoked =
        makeParty(KeyType::EcP256,
                  leafSpec("revoked-inference.vendor-a.example", now - days(30), now + 2 * year), &*inter);
    auto expired = makeParty(KeyType::EcP256,
                             leafSpec("old-inference.vendor-a.example", now - 2 * year, now - year), &*inter);
    auto unknownRoot =
        makeParty(KeyType::EcP256, spec("Unknown Root CA", true, now - days(1), now + 10 * year), nullptr);
    // A demo clinician who signs readings (reading/, issue 11): an e-mail identity; codeSigning because the
    // version 2 chain check asks it of every signer (R2.3), emailProtection as a clinician's certificate has.
    CertificateSpec readerSpec = spec("Dr. Demo Reader", false, now - days(1), now + 2 * year);
    readerSpec.organization = "Veridicor Demo Hospital";
    readerSpec.emails = {"demo.reader@hospital.example"};
    readerSpec.extendedKeyUsage = {"codeSigning", "emailProtection"};
    auto reader = makeParty(KeyType::EcP256, readerSpec, &*inter);
    // A second demo clinician, who adjudicates the first one's discordant readings (an adjudicator may not be
    // the reading's signer): in readingSigners too.
    CertificateSpec adjudicatorSpec = readerSpec;
    adjudicatorSpec.commonName = "Dr. Demo Adjudicator";
    adjudicatorSpec.emails = {"demo.adjudicator@hospital.example"};
    auto adjudicator = makeParty(KeyType::EcP256, adjudicatorSpec, &*inter);
    if (!finding || !findingEd || !modelSigner || !revoked || !expired || !unknownRoot || !reader || !adjudicator) {
        return Unexpected{Error{ErrorCode::Crypto, "generating the demo PKI failed"}};
    }
    auto unknown =
        makeParty(KeyType::EcP256, leafSpec("omi-inference.vendor-a.example", now - days(1), now + 2 * year),
                  &*unknownRoot);
    if (!unknown) {
        return Unexpected{unknown.error()};
    }
    // A local timestamp authority (R2.6), so that demo findings and models outlive their signers'
    // certificates without any network.
    auto tsaRoot = makeParty(KeyType::EcP256,
                             spec("Veridicor Demo TSA Root", true, now - days(1), now + 20 * year), nullptr);
    if (!tsaRoot) {
        return Unexpected{tsaRoot.error()};
    }
    CertificateSpec tsaSpec = spec("Veridicor Demo TSA", false, now - days(1), now + 10 * year);
    tsaSpec.extendedKeyUsage = {"timeStamping"};
    tsaSpec.extendedKeyUsageCritical = true;
    auto tsa = makeParty(KeyType::EcP256, tsaSpec, &*tsaRoot);
    if (!tsa) {
        return Unexpected{tsa.error()};
    }

    const std::vector<Certificate> interChain{inter->cert};
    for (const auto& [name, party, rest] : {std::tuple<const char*, const Party*, std::vector<Certificate>>{
                                                "finding-signer", &*finding, interChain},
                                            {"finding-signer-ed25519", &*findingEd, interChain},
                                            {"model-signer", &*modelSigner, interChain},
                                            {"revoked-signer", &*revoked, interChain},
                                            {"expired-signer", &*expired, interChain},
                                            {"unknown-signer", &*unknown, {unknownRoot->cert}},
                                            {"tsa", &*tsa, {tsaRoot->cert}},
                                            {"reader", &*reader, interChain},
                                            {"adjudicator", &*adjudicator, interChain}}) {
        if (auto r = writeSigner(out.signers, name, *party, rest); !r) {
            return Unexpected{r.error()};
        }
    }
    if (auto r = writeTextFile(out.trustStore / "anchors" / "demo-root.pem", root->cert.pem()); !r) {
        return Unexpected{r.error()};
    }
    // A DICOM signature carries only the signer's certificate: readings are chained through cas/.
    if (auto r = writeTextFile(out.trustStore / "cas" / "demo-signing-ca.pem", inter->cert.pem()); !r) {
        return Unexpected{r.error()};
    }
    if (auto r = writeTextFile(out.trustStore / "tsa" / "demo-tsa-root.pem", tsaRoot->cert.pem()); !r) {
        return Unexpected{r.error()};
    }
    // Demo CRLs are issued for five years, so that the demo can be shown at any --at within them (a real CA
    // reissues its CRL every few days; the site must keep them current, or every finding's revocation status
    // becomes unknown).
    const auto crlLife = 5 * year;
    auto crl = makeCrlPem(inter->cert, inter->key, {Revocation{revoked->cert, now - days(2)}}, now - days(1),
                          now + crlLife);
    if (!crl) {
        return Unexpected{crl.error()};
    }
    if (auto r = writeTextFile(out.trustStore / "crls" / "demo-signing-ca.pem", *crl); !r) {
        return Unexpected{r.error()};
    }
    auto rootCrl = makeCrlPem(root->cert, root->key, {}, now - days(1), now + crlLife);
    if (!rootCrl) {
        return Unexpected{rootCrl.error()};
    }
    if (auto r = writeTextFile(out.trustStore / "crls" / "demo-root.pem", *rootCrl); !r) {
        return Unexpected{r.error()};
    }

    // Two demo models, signed by the model signer.
    auto modelIdentity = SigningIdentity::create(modelSigner->key, {modelSigner->cert, inter->cert});
    if (!modelIdentity) {
        return Unexpected{modelIdentity.error()};
    }
    ModelSignOptions stamped;
    stamped.timestamp = TimestampAuthority{tsa->key, {tsa->cert}};
    const std::string interPin = "sha256:" + spkiSha256(inter->cert);
    auto pinned = [&](const std::vector<std::string>& identities) {
        json::Value list = json::Value::array();
        for (const auto& id : identities) {
            json::Value rule = json::Value::object();
            rule.set("identity", json::Value::string(id));
            rule.set("ca", json::Value::string(interPin));
            list.push(std::move(rule));
        }
        return list;
    };
    struct DemoModel {
        const char* name;
        const char* version;
        const char* modality;
        std::uint32_t seed;
        std::string* digest;
    };
    json::Value models = json::Value::array();
    constexpr std::size_t kKiB = 1024;
    for (const DemoModel& m : {DemoModel{"ecg-omi-detector", "2.1.0", "ECG", 1, &out.ecgModelDigest},
                               DemoModel{"echo-lv-segmenter", "1.0.0", "US", 2, &out.echoModelDigest}}) {
        const auto dir = out.models / m.name;
        const std::string config = std::string(R"({"name": ")") + m.name + R"(", "version": ")" + m.version +
                                   "\", \"note\": \"demo model: these weights are random bytes\"}\n";
        if (auto r = writeTextFile(dir / "config.json", config); !r) {
            return Unexpected{r.error()};
        }
        if (auto r = writeTextFile(dir / "weights" / "layer-0.bin", demoBytes(48 * kKiB, m.seed)); !r) {
            return Unexpected{r.error()};
        }
        if (auto r = writeTextFile(dir / "weights" / "layer-1.bin", demoBytes(16 * kKiB, m.seed + 100)); !r) {
            return Unexpected{r.error()};
        }
        const auto sigPath = out.trustStore / "models" / (std::string(m.name) + "-" + m.version + ".sig");
        auto bundle = signModel(dir, *modelIdentity, stamped, sigPath);
        if (!bundle) {
            return Unexpected{bundle.error()};
        }
        if (auto r = writeTextFile(sigPath, *bundle); !r) {
            return Unexpected{r.error()};
        }
        auto manifest = hashModelDirectory(dir, ModelSignOptions{});
        if (!manifest) {
            return Unexpected{manifest.error()};
        }
        *m.digest = manifest->rootDigest;
        json::Value entry = json::Value::object();
        entry.set("name", json::Value::string(m.name));
        entry.set("version", json::Value::string(m.version));
        entry.set("digest", json::Value::string(manifest->rootDigest));
        json::Value modalities = json::Value::array();
        modalities.push(json::Value::string(m.modality));
        entry.set("modalities", std::move(modalities));
        // Policy version 2: typed identities, each pinned to the CA that issues it (R2.3).
        entry.set("modelSigners", pinned({"cn:Vendor A Model Signing"}));
        entry.set("findingSigners",
                  pinned({"dns:omi-inference.vendor-a.example", "dns:omi-inference-ed.vendor-a.example"}));
        models.push(std::move(entry));
    }
    json::Value policy = json::Value::object();
    policy.set("policyVersion", json::Value::integer(2));
    policy.set("revocation", json::Value::string("require"));
    policy.set("models", std::move(models));
    policy.set("readingSigners",
               pinned({"email:demo.reader@hospital.example", "email:demo.adjudicator@hospital.example"}));
    if (auto r = writeTextFile(out.trustStore / "policy.json", json::serialize(policy) + "\n"); !r) {
        return Unexpected{r.error()};
    }
    const std::string readme =
        "Veridicor demo PKI, generated " + formatRfc3339(now) +
        " by veridicor-cli make-demo-pki.\n"
        "FOR DEMONSTRATION ONLY: every private key here was made on this machine and is not protected.\n\n"
        "trust/            a trust store (give it to --trust): anchors/, crls/, tsa/, models/*.sig, "
        "policy.json\n"
        "                  (policy version 2: each signer pinned to the demo signing CA; CRLs required)\n"
        "signers/NAME.key.pem, NAME.chain.pem   keys and chains (leaf first) for sign-finding / sign-model:\n"
        "  finding-signer          omi-inference.vendor-a.example (ECDSA P-256), authorized for both models\n"
        "  finding-signer-ed25519  omi-inference-ed.vendor-a.example (Ed25519), authorized for both models\n"
        "  model-signer            Vendor A Model Signing, signed models/*\n"
        "  revoked-signer          revoked in trust/crls/demo-signing-ca.pem  -> CERT_REVOKED\n"
        "  expired-signer          expired a year ago                          -> CERT_EXPIRED\n"
        "  unknown-signer          same name, issued by an unknown root        -> UNTRUSTED_CHAIN\n"
        "  tsa                     Veridicor Demo TSA: --tsa-key/--tsa-chain of sign-finding and sign-model\n"
        "  reader                  Dr. Demo Reader <demo.reader@hospital.example>, in readingSigners: "
        "reading-sign\n"
        "  adjudicator             Dr. Demo Adjudicator <demo.adjudicator@hospital.example>, in readingSigners: "
        "adjudication-sign\n"
        "models/           the demo models (random weights) that trust/models/*.sig sign\n";
    if (auto r = writeTextFile(outDir / "README.txt", readme); !r) {
        return Unexpected{r.error()};
    }
    return out;
}

} // namespace veridicor::verify
